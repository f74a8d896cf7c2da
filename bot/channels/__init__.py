"""One module per channel (like rasa/core/channels): web now, WhatsApp later.

A channel turns its users' input into `Conversations.receive(...)` calls and, when it is not
a live socket, registers an output in `Conversations.outputs[channel]` to send replies.
"""
