"""Tax businesses (税務): 個人住民税 (:mod:`kikan.tax.individual_resident`) and, later, 固定資産税,
軽自動車税, 法人住民税 and 収納. Pure domain code: rules as data, vectorised formulas, traces."""
