"""`rasa run`, with the HTTP API token from RASA_TOKEN instead of the command line.

  RASA_TOKEN=... python -m rasa_server -m models --enable-api -i 0.0.0.0 -p 5005 ...

Takes the arguments of `rasa run` except `--auth-token`. Rasa 3.6 reads its token only from
`--auth-token`, and a command line is readable by every user of the machine (`ps`,
/proc/<pid>/cmdline); the environment of a process only by its own user. So this launcher
runs Rasa's own command-line program in this process (rasa/__main__.py main()) and hands the
token to `rasa run` (rasa/cli/run.py run()) itself. Without RASA_TOKEN it does not start:
Rasa's HTTP API without a token lets anyone read every conversation and replace the model.

It also applies, once Rasa has set up its logging, our two speed-ups of Rasa, each of which
says so in Rasa's log (measured in benchmarks/README.md, "Per-turn cost"):
  fast_action_validation.py  action-server responses checked by a validator built once
                             ("fast action-response validation: active")
  event_types.py             stored events turned back into objects without walking all of
                             Rasa's event classes ("event types looked up by name: active")
Rasa's own command line (`rasa run`, `rasa test`, so `make stories`) runs without them; they
change only the time, not what Rasa does.
"""

from __future__ import annotations

import os
import sys
from typing import List

TOKEN_VARIABLE = "RASA_TOKEN"


def main(argv: List[str]) -> int:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        print(
            f"{TOKEN_VARIABLE} is not set: Rasa does not start without a token for its HTTP "
            "API (anyone could read every conversation). Set it in the environment.",
            file=sys.stderr,
        )
        return 2
    if any(arg.startswith("--auth-token") for arg in argv):
        print(
            "--auth-token puts the token where every user sees it (ps); set "
            f"{TOKEN_VARIABLE} in the environment instead.",
            file=sys.stderr,
        )
        return 2

    import rasa.__main__
    import rasa.cli.run

    from rasa_server import event_types, fast_action_validation

    rasa_run = rasa.cli.run.run

    def run_with_token(args) -> None:
        args.auth_token = token
        # after main() set up Rasa's logging, before Rasa starts
        fast_action_validation.apply()
        event_types.apply()
        rasa_run(args)

    # Rasa's parser takes `func` from this module attribute when main() builds it.
    rasa.cli.run.run = run_with_token
    sys.argv = ["rasa", "run", *argv]
    rasa.__main__.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
