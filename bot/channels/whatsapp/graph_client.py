"""Sending through the WhatsApp Cloud API (Graph API): POST {graph_url}/{phone_number_id}/messages.

- Every attempt has a timeout.
- Retries with exponential back-off on HTTP 429 and 5xx, on Meta's throttling codes (which do
  not always come with HTTP 429) and when no connection could be made. No retry on other 4xx:
  they fail the same way again (bad request, token, window, template).
- No retry after a timeout or a dropped connection once the request went out: Meta may have
  accepted it, and sending twice would double-answer the user.
- Errors are logged with Meta's code: {"error": {"message", "type", "code", "error_data":
  {"details"}, "fbtrace_id"}} (Cloud API error codes,
  developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from typing import Optional

import aiohttp

log = logging.getLogger(__name__)

# 4 app rate limit, 80007 WABA rate limit, 130429 throughput reached, 131056 pair rate limit
# (too many messages to one user; Meta advises waiting before the next one).
THROTTLING_CODES = {4, 80007, 130429, 131056}
REENGAGEMENT = 131047  # more than 24 hours since the user's last message
MAX_BACKOFF = 30.0


@dataclass(eq=False)
class GraphError(Exception):
    status: Optional[int]  # HTTP status; None when no answer came
    code: Optional[int]  # Meta's error code
    message: str
    details: str = ""
    fbtrace_id: str = ""
    attempts: int = 1
    uncertain: bool = False  # the request may have reached Meta (timeout after sending)
    retry_after: Optional[float] = None  # seconds, when Meta sent Retry-After

    def __str__(self) -> str:
        code = f"code {self.code}" if self.code is not None else "no code"
        status = f"HTTP {self.status}" if self.status is not None else "no HTTP answer"
        extra = f"; {self.details}" if self.details else ""
        trace = f" (fbtrace_id {self.fbtrace_id})" if self.fbtrace_id else ""
        return f"Graph API error {code}, {status}: {self.message}{extra}{trace}"

    @property
    def retryable(self) -> bool:
        if self.uncertain:
            return False
        if self.status is None:
            return True  # no connection: nothing was sent
        return self.status == 429 or self.status >= 500 or self.code in THROTTLING_CODES


def _error_from(status: int, data) -> GraphError:
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return GraphError(status, None, f"unexpected answer: {str(data)[:200]}")
    details = error.get("error_data", {}).get("details", "") if isinstance(error.get("error_data"), dict) else ""
    try:
        code = int(error.get("code"))
    except (TypeError, ValueError):
        code = None
    return GraphError(status, code, str(error.get("message", "")), str(details), str(error.get("fbtrace_id", "")))


class GraphClient:
    def __init__(
        self,
        graph_url: str,
        phone_number_id: str,
        access_token: str,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
    ):
        self.url = f"{graph_url.rstrip('/')}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.retries = retries
        self.backoff = backoff
        self.session: Optional[aiohttp.ClientSession] = None  # opened by the app

    async def _post_once(self, body: dict) -> dict:
        if self.session is None:
            raise GraphError(None, None, "no HTTP session (app not started)", uncertain=True)
        try:
            async with self.session.post(self.url, json=body, headers=self._headers, timeout=self.timeout) as response:
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = None
                if response.status == 200 and isinstance(data, dict):
                    return data
                error = _error_from(response.status, data)
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    error.retry_after = min(float(retry_after), MAX_BACKOFF)
                raise error
        except aiohttp.ClientConnectorError as error:  # nothing reached Meta
            raise GraphError(None, None, f"cannot connect: {error}") from error
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise GraphError(None, None, f"{type(error).__name__}: {error}", uncertain=True) from error

    async def _post(self, body: dict) -> dict:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._post_once(body)
            except GraphError as error:
                error.attempts = attempt
                if not error.retryable or attempt > self.retries:
                    raise
                delay = error.retry_after or min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF)
                delay *= random.uniform(0.8, 1.2)  # spread retries of several senders
                log.info("Graph API attempt %d failed (%s); retrying in %.1f s", attempt, error, delay)
                await asyncio.sleep(delay)

    async def send(self, to: str, message: dict) -> str:
        """Send one message; return its WhatsApp message id (wamid)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **message}
        data = await self._post(body)
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise GraphError(200, None, f"answer without a message id: {str(data)[:200]}") from error

    async def mark_read(self, wamid: str, typing: bool = True) -> None:
        """Blue ticks and "typing..." while the bot thinks (typing-indicators docs). One try:
        it is a courtesy, not worth delaying the answer for."""
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        if typing:
            body["typing_indicator"] = {"type": "text"}
        try:
            await self._post_once(body)
        except GraphError as error:
            log.info("could not mark a message as read: %s", error)
