"""The storm simulator: realistic exports with known firestorms and decoys."""
