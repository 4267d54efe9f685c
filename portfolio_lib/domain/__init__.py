"""Entities, rules and policy of the learning-portfolio cycle (no database, no widgets)."""
