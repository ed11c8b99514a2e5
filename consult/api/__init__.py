"""The public JSON API (``/api/v1``): reads for everyone, a few administration writes for
integrations holding an organisation's token, and its OpenAPI 3.1 description generated
from the same pydantic models that serialise the answers."""
