"""The action server, reachable only with a token: `python -m actions.server -p 5055`.

rasa_sdk's server has no authentication of its own. This launcher builds the same app
(rasa_sdk.endpoint.create_app) and adds one check before every route except /health:
the token from ACTION_SERVER_TOKEN must come along, as Rasa sends it when endpoints.yml
has `action_endpoint: token:` (rasa/utils/endpoints.py adds it as the query parameter
`?token=`); `Authorization: Bearer <token>` is accepted too. Anything else gets 401.
Without ACTION_SERVER_TOKEN the server does not start. It binds to SANIC_HOST, default
127.0.0.1 (rasa_sdk's own default is every interface).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Optional

from rasa_sdk import utils
from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
OPEN_PATHS = {"/health"}  # says "ok" and nothing else; used by scripts/stack.py


def _given_token(request) -> Optional[str]:
    token = request.args.get("token")
    if token:
        return token
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require_token(app: Sanic, token: str) -> Sanic:
    expected = token.encode("utf-8")

    @app.middleware("request")
    async def check_token(request):
        if request.path in OPEN_PATHS:
            return None
        given = _given_token(request)
        if given is None or not hmac.compare_digest(given.encode("utf-8"), expected):
            logger.warning("refused %s %s: missing or wrong token", request.method, request.path)
            return response.json({"error": "unauthorized", "detail": "send the action server token"}, status=401)
        return None

    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        print(
            f"{TOKEN_VARIABLE} is not set: the action server does not start without a token "
            "(scripts/stack.py sets one).",
            file=sys.stderr,
        )
        return 2
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = require_token(create_app(args.actions, cors_origins=None), token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    logger.info("Action server on http://%s:%d (token required)", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
