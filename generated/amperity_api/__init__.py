# generated from openapi.yaml, do not edit; run make generate
"""A client library for accessing Amperity API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
