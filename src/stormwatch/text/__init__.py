"""Text for people: untrusted input made safe, labels and sentences per language."""
