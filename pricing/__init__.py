"""The pure pricing core of the support-tier pricing studio (no Streamlit here).

Data flows one way, and the packages follow it: ``inputs`` (market files, segment values, limits,
scenario schemas) -> ``costing`` (staffing and cost to serve) -> ``tiers`` (the tier MILP and
negotiation bands) -> the plan (``plan``, ``market_model``, ``rules``, ``counterfactuals``) ->
``money`` (rates, local prices), ``outputs`` (tables, workbooks, charts), ``offers`` (the
customer offer and the sales brief) and ``scenarios`` (saved, compared, swept); ``cli`` is the
command line.
"""
