"""Fixtures of the end-to-end tests: a real redis-server for the distributed ones."""

from tests.helpers.redis import redis_home, redis_url

__all__ = ["redis_home", "redis_url"]
