"""The API's JSON: strings hold no control characters (as the schema says, and as
``config.middleware`` refuses them in addresses and forms)."""

from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser

from config.middleware import CONTROL


class TextOnlyJSONParser(JSONParser):
    """JSON whose strings hold no control characters (as the schema says, and as
    ``config.middleware`` refuses in addresses and forms): 400 naming the field."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        field = _control_character_in(data)
        if field is not None:
            raise ValidationError(
                {field or "non_field_errors": "Contains a control character (such as NUL)."},
                code="invalid_characters",
            )
        return data


def _control_character_in(data, path: str = "") -> str | None:
    """The dotted path of the first string value holding a control character, or None."""
    if isinstance(data, str):
        return path if CONTROL.search(data) else None
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found = _control_character_in(value, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
