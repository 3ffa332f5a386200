"""What Discord's API refuses, by Discord's documented numbers (not the bot's constants).

The fake Discord answers a request breaking any of these with HTTP 400, code 50035
"Invalid Form Body", as Discord does, and records it in ``FakeDiscord.rejected``; the
``fake`` fixture fails any test during which the bot sent one.
"""

from __future__ import annotations

from typing import Any

CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000  # all embeds of one message together
ACTION_ROWS = 5
ROW_BUTTONS = 5
SELECT_OPTIONS = 25
COMPONENT_TEXT = 100  # select option label/value/description, custom_id, placeholder
BUTTON_LABEL = 80
CHOICES = 25  # autocomplete results and fixed option choices
CHOICE_TEXT = 100
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
STRING_OPTION_LENGTH = 6000
THREAD_NAME = 100


def _too_long(errors: list[str], where: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        errors.append(f"{where}: Must be {limit} or fewer in length (got {len(value)}).")


def embed_errors(embeds: list[dict[str, Any]], where: str = "embeds") -> list[str]:
    errors: list[str] = []
    if len(embeds) > EMBEDS_PER_MESSAGE:
        errors.append(f"{where}: Must be {EMBEDS_PER_MESSAGE} or fewer in length.")
    total = 0
    for i, e in enumerate(embeds):
        at = f"{where}.{i}"
        title, description = e.get("title") or "", e.get("description") or ""
        footer = (e.get("footer") or {}).get("text") or ""
        author = (e.get("author") or {}).get("name") or ""
        _too_long(errors, f"{at}.title", title, EMBED_TITLE)
        _too_long(errors, f"{at}.description", description, EMBED_DESCRIPTION)
        _too_long(errors, f"{at}.footer.text", footer, FOOTER_TEXT)
        _too_long(errors, f"{at}.author.name", author, AUTHOR_NAME)
        fields = e.get("fields") or []
        if len(fields) > EMBED_FIELDS:
            errors.append(f"{at}.fields: Must be {EMBED_FIELDS} or fewer in length.")
        total += len(title) + len(description) + len(footer) + len(author)
        for j, f in enumerate(fields):
            name, value = f.get("name") or "", f.get("value") or ""
            if not name or not value:
                errors.append(f"{at}.fields.{j}: name and value are required.")
            _too_long(errors, f"{at}.fields.{j}.name", name, FIELD_NAME)
            _too_long(errors, f"{at}.fields.{j}.value", value, FIELD_VALUE)
            total += len(name) + len(value)
    if total > EMBED_TOTAL:
        errors.append(f"{where}: Embed size exceeds maximum size of {EMBED_TOTAL} (got {total}).")
    return errors


def component_errors(rows: list[dict[str, Any]]) -> list[str]:
    errors: list[str] = []
    if len(rows) > ACTION_ROWS:
        errors.append(f"components: Must be {ACTION_ROWS} or fewer in length.")
    for i, row in enumerate(rows):
        items = row.get("components") or []
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if len(items) > ROW_BUTTONS or (selects and len(items) > 1):
            errors.append(f"components.{i}: at most 5 buttons or one select menu per row.")
        for j, c in enumerate(items):
            at = f"components.{i}.components.{j}"
            _too_long(errors, f"{at}.custom_id", c.get("custom_id"), COMPONENT_TEXT)
            _too_long(errors, f"{at}.label", c.get("label"), BUTTON_LABEL)
            _too_long(errors, f"{at}.placeholder", c.get("placeholder"), COMPONENT_TEXT)
            options = c.get("options") or []
            if len(options) > SELECT_OPTIONS:
                errors.append(f"{at}.options: Must be {SELECT_OPTIONS} or fewer in length.")
            for k, o in enumerate(options):
                for key in ("label", "value", "description"):
                    _too_long(errors, f"{at}.options.{k}.{key}", o.get(key), COMPONENT_TEXT)
    return errors


def message_errors(body: dict[str, Any]) -> list[str]:
    """A message payload (create, edit, follow-up, or an interaction callback's data)."""
    errors: list[str] = []
    _too_long(errors, "content", body.get("content"), CONTENT)
    errors += embed_errors(body.get("embeds") or [])
    errors += component_errors(body.get("components") or [])
    return errors


def choice_errors(choices: list[dict[str, Any]], where: str = "data.choices") -> list[str]:
    errors: list[str] = []
    if len(choices) > CHOICES:
        errors.append(f"{where}: Must be {CHOICES} or fewer in length.")
    for i, c in enumerate(choices):
        _too_long(errors, f"{where}.{i}.name", c.get("name"), CHOICE_TEXT)
        _too_long(errors, f"{where}.{i}.value", c.get("value"), CHOICE_TEXT)
    return errors


def command_errors(command: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    name = command.get("name") or ""
    if not 1 <= len(name) <= COMMAND_NAME or name != name.lower():
        errors.append(f"{name}.name: 1-32 lower-case characters.")
    _too_long(errors, f"{name}.description", command.get("description"), COMMAND_DESCRIPTION)
    options = command.get("options") or []
    if len(options) > COMMAND_OPTIONS:
        errors.append(f"{name}.options: Must be {COMMAND_OPTIONS} or fewer in length.")
    for o in options:
        at = f"{name}.options.{o.get('name')}"
        if not 1 <= len(o.get("name") or "") <= COMMAND_NAME:
            errors.append(f"{at}.name: 1-32 characters.")
        _too_long(errors, f"{at}.description", o.get("description"), COMMAND_DESCRIPTION)
        if (o.get("max_length") or 0) > STRING_OPTION_LENGTH:
            errors.append(f"{at}.max_length: at most {STRING_OPTION_LENGTH}.")
        errors += choice_errors(o.get("choices") or [], f"{at}.choices")
    return errors


def callback_errors(body: dict[str, Any]) -> list[str]:
    """An interaction callback: a message (types 4, 7) or autocomplete results (type 8)."""
    data = body.get("data") or {}
    if body.get("type") == 8:
        return choice_errors(data.get("choices") or [])
    return message_errors(data)


def invalid_form_body(errors: list[str]) -> dict[str, Any]:
    """Discord's error body for a payload it refuses."""
    return {"code": 50035, "message": "Invalid Form Body", "errors": {"_errors": errors}}
