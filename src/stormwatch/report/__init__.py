"""The HTML report: a self-contained page with timelines, evidence and steps."""
