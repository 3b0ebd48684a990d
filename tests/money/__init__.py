"""Tests of pricing/money: exchange rates, live rates, local prices."""
