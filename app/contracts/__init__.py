"""The 16-week contract and its conditions (the four Rs), varied by new versions only."""
