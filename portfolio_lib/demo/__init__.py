"""A realistic demo school, or a city of them in one database, built deterministically from a seed."""

from .build import build_city, build_demo, city_school

__all__ = ["build_city", "build_demo", "city_school"]
