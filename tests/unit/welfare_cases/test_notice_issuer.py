"""Who a 審査請求 goes to, per allowance (教示 on the notices)."""

from kikan.welfare.notices import issuer_of


def test_child_rearing_allowance_appeals_go_to_the_governor_child_allowance_to_the_mayor():
    i = issuer_of("132012", "八王子市", prefecture_name="東京都")
    assert i.appeal_authority("child_rearing_allowance") == "東京都知事"  # 第1号法定受託事務
    assert i.appeal_authority("child_allowance") == "八王子市長"  # 自治事務


def test_without_the_prefecture_the_head_is_named_and_an_explicit_choice_wins():
    assert issuer_of("132012", "八王子市").appeal_authority("child_rearing_allowance") == "八王子市長"
    i = issuer_of("132012", "八王子市", appeal_to={"child_rearing_allowance": "東京都知事（福祉局）"},
                  prefecture_name="東京都")  # fmt: skip
    assert i.appeal_authority("child_rearing_allowance") == "東京都知事（福祉局）"


def test_the_basis_shown_is_the_allowances_own_law():
    from kikan.welfare.notices import reason_basis

    assert reason_basis("child_allowance", "certify") == "児童手当法第7条・第8条"
    assert reason_basis("child_rearing_allowance", "certify") == "児童扶養手当法第6条・第7条"
