"""What comes in: the market catalogue and the files it is read from, the limits every
input is held to, the segment values and the scenario schemas."""
