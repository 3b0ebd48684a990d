"""Tests of pricing/offers: the offer, its promises, guidance and documents."""
