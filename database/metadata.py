"""The MetaData every table of the project is defined on (database/tables.py lists them)."""

from sqlalchemy import MetaData

metadata = MetaData()
