"""Synthetic people for the demo city and for benchmarks: valid ID numbers, plausible rows.

Nothing here is real: names are drawn from common characters, ID numbers use the region
codes of the demo's invented province prefix only for their first two digits' check (a real
province code, 11, keeps python-stdnum's province check happy) and valid check digits.
"""

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from stdnum.cn import ric

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰红梅建国志强海燕文斌春林国华"
    "德明金凤立新玉珍永生海波卫东晓东建华红霞"
)
EDUCATION_WEIGHTS = (
    ("研究生", 1),
    ("本科", 11),
    ("大专", 20),
    ("中专及高中", 38),
    ("初中及以下", 30),
)
SOURCE_WEIGHTS = (
    ("本地致富带富能人", 56),
    ("优秀退伍转业军人", 7),
    ("返乡创业人员", 6),
    ("大学生村官", 5),
    ("机关企事业单位派选人员", 7),
    ("其他", 19),
)


def id_number(rng: random.Random, born: date, female: bool, serial: int) -> str:
    """A valid 18-character ID number; ``serial`` (0–499) keeps numbers of one day apart."""
    sequence = (serial % 500) * 2 + (0 if female else 1)
    body = f"110105{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def roster_rows(
    rng: random.Random, villages: Sequence[tuple[str, str]], reference: date, per_village: int = 5
) -> Iterator[list]:
    """Rows of the people sheet (PEOPLE_COLUMNS order): each village's elected committee,
    its secretary first. IDs are unique across the whole roster."""
    used: set[str] = set()
    for code, village_name in villages:
        for seat in range(per_village):
            female = seat == per_village - 1 or rng.random() < 0.15
            while True:
                born = reference - timedelta(days=rng.randint(22 * 365, 62 * 365))
                number = id_number(rng, born, female, rng.randrange(500))
                if number not in used:
                    used.add(number)
                    break
            joined = born + timedelta(days=rng.randint(19 * 365, 40 * 365))
            yield [
                code,
                village_name,
                name(rng),
                "女" if female else "男",
                "汉族",
                number,
                f"{born:%Y.%m}",
                weighted(rng, EDUCATION_WEIGHTS),
                f"{min(joined, reference):%Y.%m}",
                "书记" if seat == 0 else ("副书记" if seat == 1 else "委员"),
                weighted(rng, SOURCE_WEIGHTS),
                "是" if rng.random() < 0.9 else "否",
                "是" if rng.random() < 0.85 else "否",
                "是" if seat == per_village - 1 and female else "否",
                "当选",
                "当选",
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            ]
