"""Scheduling and bookings: the project's own package, shipped to Lambda as a layer."""
