"""Player segments (RFM scores, heavy-play flag, engagement forecast) and recommendations.

Read from the games' rounds; the nightly job is ``games.segments_compute``.
Segments change what is suggested and when, never odds or payouts.
"""
