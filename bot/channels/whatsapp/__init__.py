"""WhatsApp Cloud API channel: the parts behind bot/channels/whatsapp/channel.py.

- settings.py     WHATSAPP_* environment variables; the channel is off without them
- signature.py    X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret)
- inbound.py      Meta's webhook payloads -> inbound messages and status updates
- formatting.py   gateway messages -> Graph API message bodies (buttons, lists, numbered text, cards)
- window.py       the 24-hour customer-service window
- graph_client.py sending through the Graph API: timeouts, retries with back-off, error codes
- tables.py       the channel's tables: contacts (phone numbers), inbox (dedup), sent messages

Privacy: a WhatsApp user's phone number (wa_id) is stored in one place only,
gw_wa_contacts.wa_id, because sending needs it. Conversations are found through
user_key = HMAC-SHA256(app secret, wa_id); gw_conversations.external_id holds that key, the
conversation id itself is random, and logs name the conversation id, never the number.
The inbox keeps an incoming message's content only until it is processed.
"""
