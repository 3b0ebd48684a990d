"""Tests of pricing/costing: staffing (Erlang C), the week, the cost to serve."""
