"""Leerwijzer gateway: web chat (widget, websocket, HTTP API), tenants and channels.

See bot/README.md. Entry point: `python -m bot`; factory: `bot.app.create_app(config)`.
"""
