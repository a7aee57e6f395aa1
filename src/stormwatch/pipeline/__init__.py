"""Pure pipeline stages: normalise -> window -> signals -> score -> recommend."""
