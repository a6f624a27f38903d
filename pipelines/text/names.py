"""Is a short line a person's name? For a name shown with no label at all (beside a post's
date), where a place ("New York", "北京") or a section ("Breaking News", "科技") sits as often.
"""

from __future__ import annotations

import re

# The surnames of most people of Chinese name, in simplified and traditional forms.
_SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧"
    "曹彭曾肖蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范範金石廖贾賈"
    "夏韦韋付傅方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫"
    "孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭"
    "焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙"
    "鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇"
    "戚岑景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮"
    "巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "歐陽",
    "司马",
    "司馬",
    "上官",
    "诸葛",
    "諸葛",
    "东方",
    "東方",
    "皇甫",
    "令狐",
    "慕容",
    "夏侯",
    "尉迟",
    "尉遲",
    "公孙",
    "公孫",
    "长孙",
    "長孫",
    "宇文",
    "司徒",
    "端木",
)
# Section labels and places that open with a surname's character.
_HAN_WORDS_TEXT = (
    "文化 文学 文學 文艺 文藝 金融 时政 時政 时事 時事 时尚 時尚 商业 商業 全国 全國 全球 高考 黄金 黃金"
    " 周末 周刊 江苏 江蘇 江西 安全 安徽 明星 华为 華為 华人 華人 石油 白宫 白宮 成都 程序 和平 古代 房产"
    " 房產 房价 房價 关注 關注 常识 常識 方法 方案 龙头 龍頭 韩国 韓國 武汉 武漢 广东 廣東 汽车 汽車 游戏"
    " 遊戲 童书 童書 陆军 陸軍 海军 海軍 军事 軍事 宁夏 寧夏 甘肃 甘肅 吉林 云南 雲南 贵州 貴州 湖南 湖北"
    " 河南 河北 山东 山東 山西 台湾 台灣 香港 澳门 澳門 上海 天津 重庆 重慶"
)
_HAN_WORDS = frozenset(_HAN_WORDS_TEXT.split())
_HAN = re.compile(r"[\u4e00-\u9fff]{2,4}")
# First words of places and section labels, never of a person's name.
_NOT_FIRST = re.compile(
    r"^(?:New|San|Santa|Los|Las|Hong|South|North|East|West|Saint|St\.?|El|Rio|Buenos|São|Sao"
    r"|Kuala|Tel|Abu|Port|Cape|Puerto|Breaking|Latest|Live|Top|Featured|Sponsored|Special"
    r"|Exclusive|Opinion|Analysis|Video|Videos|Photo|Photos|Gallery|Watch|World|Local"
    r"|National|International|Business|Sport|Sports|Tech|Technology|Science|Health|Politics"
    r"|Entertainment|Travel|Food|Life|Lifestyle|Culture|Arts?|Money|Markets?|Economy|Weather"
    r"|Editor'?s|Staff|Press|News|Today|Daily|Weekly|Update|Updates)\b"
)
_NOT_LAST = re.compile(
    r"\b(?:News|Report|Desk|Team|Staff|Editors?|Times|Post|Daily|Weekly|Today|Live|City"
    r"|County|Island|Islands|Valley|Beach|Bay|Coast|Street|Avenue|Square|Park)$"
)


def likely_person(name: str) -> bool:
    """Whether ``name``, shown with no label saying so, reads as a person's name: Han
    characters that open with a surname and are no section label or place, or Latin words
    that open no place's name or section label."""
    name = " ".join(name.split())
    if _HAN.fullmatch(name):
        if name in _HAN_WORDS:
            return False
        return name[0] in _SURNAMES or name.startswith(_COMPOUND_SURNAMES)
    return not (_NOT_FIRST.match(name) or _NOT_LAST.search(name))
