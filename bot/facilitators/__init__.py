"""brewbot in facilitators' groups: the gate, the commands, the summaries and digests."""
