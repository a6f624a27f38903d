# Metadata lives in pyproject.toml; scrapyd-deploy builds the egg through this file.
from setuptools import setup

setup()
