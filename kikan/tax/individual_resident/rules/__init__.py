"""The rule functions of 個人住民税, each over numpy ``int64`` arrays (one taxpayer = length 1).

``income`` 所得, ``relatives`` 配偶者・扶養親族, ``deductions`` 所得控除, ``levy`` 所得割・均等割・非課税,
``credits`` 税額控除. Every function's docstring names its article of 地方税法.
"""
