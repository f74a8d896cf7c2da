# Leerwijzer. The two commands: `make run` (the product) and `make test` (all tests).
# Every target does the set-up it needs and skips what is already done.
SHELL := /bin/bash
# No telemetry or error reports leave this machine (privacy; and there is no internet).
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
VENV := .venv/bin
STAGE := scripts/stage.sh
RASA := $(VENV)/rasa
TRAIN_ARGS := --domain domain --data data --config config.yml --out models

.PHONY: setup test-setup nginx train run run-scaled test lint validate pytest stories eval demo-conversation bench-conversation bench-turn bench clean

setup:
	@mkdir -p var
	@$(STAGE) setup scripts/setup.sh

# Browser tests (the widget and the advisor console) need Debian's chromium (no browser downloads here).
test-setup: setup nginx
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian chromium ..."; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "WARNING: could not install chromium; browser tests will fail"; }

# The scale-out profile's load balancer: Debian's nginx (run by scripts/stack.py as its own
# child process, never the system service).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "Installing Debian nginx ..."; \
	  (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null) || \
	  echo "WARNING: could not install nginx; the scale-out profile and its tests will fail"; }

# Trains only when config, domain, data or the custom components changed (scripts/train.py:
# `rasa train` would pack a new model every time). flock: a second `make train` waits for the
# first and then finds nothing to do.
train: setup
	@$(STAGE) train flock var/train.lock $(VENV)/python scripts/train.py $(TRAIN_ARGS) --quiet

# `make run` is the demo: it makes the demo advisor and prints its login (LEERWIJZER_DEMO=0 make
# run: without). The gateway listens on this machine only (GATEWAY_HOST=0.0.0.0: the network).
LEERWIJZER_DEMO ?= 1
run: train
	@LEERWIJZER_DEMO=$(LEERWIJZER_DEMO) $(VENV)/python scripts/stack.py

# Scale-out profile (README "Scale-out"): 2 gateways, 2 Rasa servers, 2 action servers behind
# nginx on :8080, with PostgreSQL and Redis on 127.0.0.1 shared.
run-scaled: nginx train
	@LEERWIJZER_DEMO=$(LEERWIJZER_DEMO) $(VENV)/python scripts/stack.py --scaled

# Lint and format check (ruff.toml: pyflakes, pycodestyle errors, bugbear); under a second.
lint: setup
	@$(STAGE) lint sh -c '$(VENV)/ruff check . && $(VENV)/ruff format --check .'

validate: setup
	@$(STAGE) validate $(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

pytest: test-setup train
	@$(STAGE) pytest $(VENV)/python -m pytest -q tests

stories: train
	@$(STAGE) test-stories $(RASA) test core --model models --stories tests/ \
	  --fail-on-prediction-errors --out results/stories

# NLU gates: intent macro-F1 on the held-out set, and the share of foreign messages
# (tests/nlu/out_of_scope.yml) handled safely: 0.921 on 2026-12-06, gated at the goal of issue 13
# (see benchmarks/README.md). The English held-out set (tests/nlu/holdout_en.yml) is reported, not
# gated yet: the model has no English training data (issue 17; benchmarks/nlu_eval.py
# --min-en-accuracy 0.90 is the goal's gate).
MIN_SAFE_RATE ?= 0.90
eval: train
	@$(STAGE) nlu-eval $(VENV)/python benchmarks/nlu_eval.py --min-macro-f1 0.90 --min-safe-rate $(MIN_SAFE_RATE)

# The conversation suite (tests/conversations/*.yml) on its own stack, scored, with the CI gate
# (benchmarks/dialogue_quality.py). make test plays the suite once, under pytest, and asserts
# the same gate there (tests/conversations/test_conversations.py).
.PHONY: dialogue
dialogue: train
	@$(STAGE) dialogue $(VENV)/python benchmarks/dialogue_quality.py --gate

# The story test and the NLU evaluation each load the model and use one core mostly: they run
# side by side (each one's output kept together), then pytest.
test:
	@mkdir -p var && rm -f var/stage-times.txt
	@$(MAKE) --no-print-directory setup lint validate train
	@$(MAKE) --no-print-directory -j2 --output-sync=target stories eval
	@$(MAKE) --no-print-directory pytest
	@echo "== stage times:"; cat var/stage-times.txt

# A whole Dutch advice conversation over the REST channel, printed as a transcript.
demo-conversation: train
	@$(VENV)/python scripts/demo_conversation.py --start

bench-conversation: train
	@$(VENV)/python benchmarks/conversation_bench.py

# One turn of Leerwijzer against a plain `rasa init` moodbot (built in a temporary folder),
# interleaved; turn 5/20/50 of a long conversation; peak memory; start-up (about 4 min).
bench-turn: train
	@$(VENV)/python benchmarks/turn_cost.py $(BENCH_ARGS)

# Load: N = 1..50 concurrent users against Rasa alone, the default stack and the scale-out
# profile (about 20 min; `make bench BENCH_ARGS=--quick` for a short run). Not part of `make test`.
bench: train nginx
	@$(VENV)/python benchmarks/load_bench.py $(BENCH_ARGS)

clean:
	rm -rf models results var/log var/spacy
