"""AddressRecognizer: Chinese and English home addresses; organisations' own addresses kept."""
import pytest

from guardrails.recognizers.address_recognizer import AddressRecognizer


def found(text: str) -> list[str]:
    return [text[r.start:r.end] for r in AddressRecognizer().analyze(text, [])]


@pytest.mark.parametrize("text, expected", [
    ("我的住址是广东省深圳市南山区科技园路88号海岸城小区3栋2单元1502室，谢谢",
     ["广东省深圳市南山区科技园路88号海岸城小区3栋2单元1502室"]),           # full form after a cue
    ("家住北京市朝阳区望京街道阜通东大街6号院", ["北京市朝阳区望京街道阜通东大街6号院"]),  # 家住
    ("请寄到杭州市西湖区文三路478号", ["杭州市西湖区文三路478号"]),           # 寄到
    ("寄到幸福小区5栋", ["幸福小区5栋"]),                                   # short form after a cue
    ("成都市武侯区玉林北路12号3单元502室漏水了", ["成都市武侯区玉林北路12号3单元502室"]),  # no cue, structured
    ("收货地址：江苏省南京市鼓楼区中山北路30号2幢301室", ["江苏省南京市鼓楼区中山北路30号2幢301室"]),
    ("家住上海市浦东新区张杨路500号华润时代广场12楼1203室",
     ["上海市浦东新区张杨路500号华润时代广场12楼1203室"]),                 # a floor before the room
    ("I live at 42 Maple Street, Springfield, IL 62704.", ["42 Maple Street, Springfield, IL 62704"]),
    ("Please send the card to 1777 Kramer Court, Johnsonfurt, NE 80119",
     ["1777 Kramer Court, Johnsonfurt, NE 80119"]),                       # suffix, city, state, ZIP
    ("my address is 12 oak lane, leeds", ["12 oak lane, leeds"]),          # lower case after a cue
    ("Deliver to 9 Baker Rd Apt 4B today", ["9 Baker Rd Apt 4B"]),          # unit after the street
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "你们人民路88号的支行几点开门？",           # an organisation's address (支行 after it)
    "上海市浦东新区世纪大道100号是你们医院吗",    # asked about the hospital itself
    "朝阳区建国路支行在哪",                     # a branch name
    "浙江省杭州市余杭区五常街道",                # a region without a number is no home
    "我在北京出差",                            # a city alone
    "周末去王府井",                            # a place name
    "order 12345 shipped",                    # a number without a street
    "Room 301 please",                        # a room without a street
    "ATM在3楼吗",                             # a floor alone is no address
    "the branch at 200 Main Street is closed?",  # an organisation's address in English
    "I paid 100 Dollars",                     # a capitalised word after a number
    "Lakeside Community Health Centre, 16 Lakeside Road, is open",  # the clinic's own address (the KB's)
])
def test_invalid(text):
    assert found(text) == []
