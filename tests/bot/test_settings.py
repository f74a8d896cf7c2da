"""The gateway's settings: one parser (bot/settings.py) for GatewayConfig, WhatsApp, handoff
and privacy. What an operator sees: a variable left empty keeps the default, a wrong value
stops the start with the variable's name, and secrets stay out of logged settings."""

import pytest

from bot.config import GatewayConfig
from bot.settings import Rate


def test_variables_reach_every_part_of_the_settings():
    config = GatewayConfig.from_env(
        {
            "GATEWAY_PORT": "8123",
            "RASA_URL": "http://rasa:5005/",
            "GATEWAY_RATE_CLIENT": "5/10",
            "GATEWAY_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
            "ADVISOR_LOGIN_RATE": "3/60",
            "ADVISOR_COOKIE_SECURE": "1",
            "HANDOFF_MAX_WAIT_SECONDS": "90",
            "PRIVACY_RETENTION_DAYS": "7",
            "WHATSAPP_GRAPH_URL": "http://127.0.0.1:9/v26.0/",
            "TENANT_TWENTE_ORIGINS": "https://twente.example/",
        }
    )
    assert config.port == 8123 and config.rasa_url == "http://rasa:5005"
    assert config.rate_per_client == Rate(5, 10.0)
    assert config.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert config.handoff.login_rate == Rate(3, 60.0) and config.handoff.cookie_secure
    assert config.handoff.max_wait_seconds == 90.0
    assert config.privacy.retention_days == 7.0
    assert config.whatsapp.graph_url == "http://127.0.0.1:9/v26.0"
    assert "https://twente.example" in config.tenants["twente"].allowed_origins


def test_an_empty_variable_keeps_the_default():
    """Kubernetes and compose files often set a variable to "" to leave it unset."""
    config = GatewayConfig.from_env({"GATEWAY_PORT": "", "RASA_TIMEOUT": "  ", "ADVISOR_LOGIN_RATE": ""})
    assert config.port == 8000 and config.rasa_timeout == 30.0
    assert config.handoff.login_rate == Rate(10, 300.0)
    assert set(config.tenants) == {"brabant", "twente", "noord"}


@pytest.mark.parametrize(
    "variable, value",
    [
        ("GATEWAY_PORT", "achtduizend"),
        ("GATEWAY_RATE_CONVERSATION", "veel"),
        ("PRIVACY_RETENTION_DAYS", "0"),
        ("HANDOFF_ONLINE_SECONDS", "1 minuut"),
        ("WHATSAPP_SEND_RETRIES", "drie"),
    ],
)
def test_a_wrong_value_stops_the_start_and_names_the_variable(variable, value):
    with pytest.raises(ValueError) as error:
        GatewayConfig.from_env({variable: value})
    assert variable in str(error.value) and value in str(error.value)


def test_only_from_env_reads_the_environment(monkeypatch):
    """A test or a tool that passes its own variables gets exactly those, whatever the shell has."""
    monkeypatch.setenv("GATEWAY_PORT", "9999")
    monkeypatch.setenv("DATABASE_URL", "postgresql://elders/db")
    assert GatewayConfig.from_env({}).port == 8000
    assert GatewayConfig().database_url.startswith("sqlite:///")
    assert GatewayConfig.from_env().port == 9999  # the process's own environment


def test_secrets_stay_out_of_the_printed_settings():
    config = GatewayConfig.from_env(
        {
            "RASA_TOKEN": "rasa-geheim",
            "WHATSAPP_ACCESS_TOKEN": "meta-geheim",
            "WHATSAPP_APP_SECRET": "app-geheim",
            "DATABASE_URL": "postgresql://user:db-geheim@host/db",
            "TRACKER_STORE_URL": "postgresql://u:tr-geheim@h/t",
        }
    )
    shown = repr(config) + str(config)
    for secret in ("rasa-geheim", "meta-geheim", "app-geheim", "db-geheim", "tr-geheim"):
        assert secret not in shown
    assert config.rasa_token == "rasa-geheim" and config.whatsapp.app_secret == "app-geheim"


def test_settings_cannot_be_changed_after_the_start():
    config = GatewayConfig.from_env({})
    with pytest.raises(TypeError):
        config.port = 1
