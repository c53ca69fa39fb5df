"""Operational tools (load testing, benchmarks); not imported by the web application."""
