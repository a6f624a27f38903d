"""The 12 blog posts fed to every static-site generator of the theme corpus, with their truth.

Each post is a `Post` whose body is a sequence of blocks: `Para` (prose, optionally with
inline `Math`), `Code` (a fenced code block) and `Display` (a `$$...$$` formula). The
Markdown written for a generator and the truth scored against the rendered site are both
derived from the same blocks, so they cannot drift apart.

    from scripts.themes.posts import POSTS, write_posts, truth
    write_posts(site / "source" / "_posts")          # Hexo-style front matter
    [truth(p) for p in POSTS]                          # expected values per post
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

MORE = "<!--more-->"
AUTHOR_ZH = "李雷"
AUTHOR_EN = "Alice Chen"


@dataclass(frozen=True)
class Math:
    """An inline formula, written as `$tex$`."""

    tex: str


@dataclass(frozen=True)
class Para:
    """A prose paragraph; parts are plain text or inline formulas."""

    parts: tuple[str | Math, ...]

    @property
    def markdown(self) -> str:
        return "".join(p if isinstance(p, str) else f"${p.tex}$" for p in self.parts)

    @property
    def text(self) -> str:
        """What a reader sees, without the formulas."""
        raw = "".join(p for p in self.parts if isinstance(p, str))
        raw = re.sub(r"\s+", " ", raw)
        raw = re.sub(r" ([,.;:!?，。；：！？])", r"\1", raw)
        return raw.strip()

    @property
    def formulas(self) -> list[str]:
        return [p.tex for p in self.parts if isinstance(p, Math)]


@dataclass(frozen=True)
class Code:
    """A fenced code block."""

    lang: str
    code: str

    @property
    def markdown(self) -> str:
        return f"```{self.lang}\n{self.code.rstrip()}\n```"


@dataclass(frozen=True)
class Display:
    """A display formula, written as its own `$$tex$$` paragraph."""

    tex: str

    @property
    def markdown(self) -> str:
        return f"$$\n{self.tex}\n$$"


Block = Para | Code | Display


def P(*parts: str | Math) -> Para:
    return Para(tuple(parts))


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    published: str  # ISO 8601 with +08:00
    author: str
    category: str
    tags: tuple[str, ...]
    lang: str  # "zh" or "en"
    body: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def published_dt(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.body if isinstance(b, Para)]

    @property
    def code_blocks(self) -> int:
        return sum(isinstance(b, Code) for b in self.body)

    @property
    def formula_tex(self) -> list[str]:
        out: list[str] = []
        for b in self.body:
            if isinstance(b, Para):
                out.extend(b.formulas)
            elif isinstance(b, Display):
                out.append(b.tex)
        return out

    @property
    def formulas(self) -> int:
        return len(self.formula_tex)

    @property
    def has_math(self) -> bool:
        return self.formulas > 0

    def body_markdown(self) -> str:
        """The Markdown body, with the summary marker after the first paragraph."""
        chunks = [b.markdown for b in self.body]
        chunks.insert(1, MORE)
        return "\n\n".join(chunks) + "\n"


POSTS: list[Post] = [
    Post(
        slug="python-generators",
        title="Getting Started with Python Generators",
        published="2024-01-08T09:30:00+08:00",
        author=AUTHOR_EN,
        category="Programming",
        tags=("python", "iterators"),
        lang="en",
        body=(
            P(
                "Generators are one of the quiet workhorses of Python. A generator function "
                "looks like an ordinary function, but instead of building a whole list in "
                "memory it hands back one value at a time, pausing between values until the "
                "caller asks for the next one."
            ),
            P(
                "The keyword that makes this possible is yield. Each time the function reaches "
                "a yield statement, the current value goes out to the loop that consumes it and "
                "the local state of the function is frozen in place. When the loop asks for "
                "more, execution resumes on the very next line."
            ),
            Code(
                "python",
                "def countdown(n):\n"
                "    while n > 0:\n"
                "        yield n\n"
                "        n -= 1\n"
                "\n"
                "print(list(countdown(3)))\n",
            ),
            P(
                "Because nothing is computed until it is needed, generators let you work with "
                "streams that would never fit in memory: the lines of a huge log file, rows "
                "coming back from a database cursor, or an endless sequence of sensor readings. "
                "Chaining a few small generators together gives you a readable pipeline in "
                "which every stage does exactly one job."
            ),
        ),
    ),
    Post(
        slug="linear-algebra-notes",
        title="线性代数学习笔记：矩阵与行列式",
        published="2024-01-15T20:00:00+08:00",
        author=AUTHOR_ZH,
        category="数学",
        tags=("线性代数",),
        lang="zh",
        body=(
            P(
                "大学时第一次接触线性代数，只觉得满页都是符号和计算规则，"
                "直到后来做图形编程才真正体会到矩阵的意义。这篇笔记整理了我重新学习时的一些体会，"
                "希望能帮助同样感到困惑的朋友。"
            ),
            P(
                "一个二阶方阵的行列式可以写成 ",
                Math("ad - bc"),
                " ，它的几何意义是两个列向量所张成的平行四边形的有向面积。"
                "如果行列式等于零，说明这两个向量共线，矩阵不可逆，"
                "对应的线性变换会把整个平面压扁成一条直线。",
            ),
            Display("A^{-1} = \\frac{1}{ad - bc} \\mathrm{adj}(A)"),
            P(
                "理解了这一点，很多定理就变得直观起来。比如矩阵乘积的行列式等于行列式的乘积，"
                "也就是 ",
                Math("\\det(AB) = \\det(A)\\det(B)"),
                " ，其实只是在说连续做两次变换时，面积的缩放比例会相乘。"
                "我建议初学者多画图，少死记公式，把每一个运算都想象成对空间的拉伸、旋转或翻转。",
            ),
            P(
                "后来我又找来几本不同风格的教材对照着看，发现从几何出发讲解的书更容易读懂。"
                "特征值和特征向量这一章尤其如此：与其背诵求解步骤，不如先想清楚哪些方向在变换之后保持不变，"
                "再去理解为什么它们在物理、统计和机器学习中都如此重要。"
                "学习数学没有捷径，但选对了角度，枯燥的计算也会变得生动起来。"
            ),
        ),
    ),
    Post(
        slug="coffee-budget",
        title="What My Morning Coffee Really Costs",
        published="2024-01-22T08:15:00+08:00",
        author=AUTHOR_EN,
        category="Life",
        tags=(),
        lang="en",
        body=(
            P(
                "Last month I decided to write down every small purchase I made, and the "
                "biggest surprise was not rent or groceries but coffee. A single cup on the way "
                "to the office felt like nothing, yet the receipts told a different story by "
                "the end of the month."
            ),
            P(
                "The café near the station sells a plain filter coffee that costs $5 and a "
                "large oat latte that costs $10, and I was buying one or the other almost every "
                "weekday. Add a pastry now and then and the total came to well over two hundred "
                "dollars, which is more than I spend on my phone and internet together."
            ),
            P(
                "I have not given up the café entirely. Instead I bought a simple hand grinder "
                "and a pour-over cone, and on most days I make coffee at home before leaving. "
                "The ritual takes five minutes, the coffee is honestly better, and the visits to "
                "the café have become a small treat again rather than a habit I never noticed."
            ),
        ),
    ),
    Post(
        slug="mountain-hiking",
        title="山中徒步的三天两夜",
        published="2024-02-03T18:40:00+08:00",
        author=AUTHOR_ZH,
        category="旅行",
        tags=("户外", "摄影"),
        lang="zh",
        body=(
            P(
                "春节前，我和两个老同学约好去山里走一条早就听说过的徒步路线。"
                "出发那天清晨下着小雨，山路湿滑，我们穿着雨衣慢慢往上爬，"
                "一路上几乎没有遇到其他人，只有溪水的声音一直陪着我们。"
            ),
            P(
                "第一天晚上住在半山腰的一户农家，主人端上自家腌的腊肉和刚从地里摘的青菜，"
                "火塘边烤着湿透的鞋子，大家一边吃饭一边听老人讲山里的故事。"
                "那种温暖，是城市里很难找到的。"
            ),
            P(
                "第二天放晴了，我们翻过垭口，眼前突然出现一整片云海，远处的山峰像岛屿一样浮在白色的海面上。"
                "我几乎把相机的电池都拍完了，可回家翻看照片，才发现没有一张能比得上当时亲眼看到的景色。"
                "也许有些风景，本来就只属于那一刻站在那里的人。"
            ),
            P(
                "第三天下山的路比想象中难走，膝盖一直在抗议，但是心里却格外轻松。"
                "回到城市以后，我常常想起那条安静的山路，也开始计划下一次出发。"
            ),
            P(
                "如果你也想尝试这样的路线，我有几点小建议：提前查好天气和补给点，鞋子一定要提前穿合脚，"
                "背包尽量轻，但头灯、雨具和急救包不能省。最重要的是尊重山里的规矩，带走自己的垃圾，"
                "不要随意离开已有的路径。山一直在那里，只要准备充分，总有机会再去看一次云海。"
            ),
        ),
    ),
    Post(
        slug="javascript-event-loop",
        title="Understanding the JavaScript Event Loop",
        published="2024-02-17T14:05:00+08:00",
        author=AUTHOR_EN,
        category="Programming",
        tags=("javascript",),
        lang="en",
        body=(
            P(
                "JavaScript runs your code on a single thread, yet a web page can download "
                "files, respond to clicks and animate elements all at once. The piece that "
                "makes this work is the event loop, and once you see how it schedules work, a "
                "lot of puzzling behaviour suddenly makes sense."
            ),
            P(
                "Every callback waits in a queue until the call stack is empty. Promise "
                "callbacks go into a separate microtask queue that is drained completely before "
                "the loop picks up the next timer or input event, which is why the snippet "
                "below prints the promise message before the timeout message."
            ),
            Code(
                "js",
                "setTimeout(() => console.log('timeout'), 0);\n"
                "Promise.resolve().then(() => console.log('promise'));\n"
                "console.log('sync');\n",
            ),
            P(
                "A long synchronous loop blocks everything else, including rendering. When "
                "you have heavy work to do, split it into chunks and yield back to the loop "
                "between them, or move it to a worker, as in the second example."
            ),
            Code(
                "js",
                "const worker = new Worker('sum.js');\n"
                "worker.onmessage = (event) => console.log(event.data);\n"
                "worker.postMessage([1, 2, 3]);\n",
            ),
            P(
                "Keeping the loop free is the single most useful habit for responsive "
                "interfaces. Measure with the performance panel, look for long tasks, and "
                "break them up before your users notice the stutter."
            ),
        ),
    ),
    Post(
        slug="sorting-algorithms",
        title="常见排序算法的比较",
        published="2024-03-02T21:10:00+08:00",
        author=AUTHOR_ZH,
        category="编程",
        tags=("算法", "python"),
        lang="zh",
        body=(
            P(
                "排序是学习算法时最先遇到的问题之一，看似简单，却包含了分治、递归和复杂度分析等许多重要思想。"
                "这篇文章用最朴素的语言，比较几种常见排序算法的思路和适用场景。"
            ),
            P(
                "冒泡排序和插入排序都很容易实现，但在最坏情况下需要平方级别的比较次数，只适合数据量很小的场合。"
                "归并排序和快速排序采用分治的思想，平均时间复杂度是 ",
                Math("O(n \\log n)"),
                " ，在实际工程中更加常用。",
            ),
            Code(
                "python",
                "def quick_sort(items):\n"
                "    if len(items) <= 1:\n"
                "        return items\n"
                "    pivot, rest = items[0], items[1:]\n"
                "    left = [x for x in rest if x < pivot]\n"
                "    right = [x for x in rest if x >= pivot]\n"
                "    return quick_sort(left) + [pivot] + quick_sort(right)\n",
            ),
            P(
                "上面的快速排序写法非常直观，但会创建大量临时列表，真正的实现通常会原地交换元素来节省内存。"
                "另外，选择基准元素的方式对性能影响很大，如果数据本来就接近有序，"
                "总是选第一个元素会让算法退化得很严重。"
            ),
            P(
                "在日常开发中，我们几乎不需要自己实现排序，直接调用语言内置的排序函数就足够了。"
                "但理解这些算法背后的思路，能够帮助我们在面对更复杂的问题时，做出更合理的设计选择。"
            ),
            P(
                "如果想继续深入，可以动手实现一遍堆排序和计数排序，再用不同规模和分布的数据去测试它们。"
                "亲手记录每种算法的运行时间，比读十篇文章更能让人记住它们各自的优缺点。"
                "算法学习的乐趣，往往就藏在这些看似琐碎的实验里。"
            ),
        ),
    ),
    Post(
        slug="bayes-rule",
        title="An Intuitive Look at Bayes' Rule",
        published="2024-03-16T10:45:00+08:00",
        author=AUTHOR_EN,
        category="Mathematics",
        tags=("probability", "statistics"),
        lang="en",
        body=(
            P(
                "Bayes' rule is often presented as a formula to memorise, but it is really a "
                "recipe for changing your mind in proportion to the evidence. Once you see it "
                "that way, it turns up everywhere, from medical tests to spam filters."
            ),
            P(
                "Suppose a disease affects one person in a hundred, so the prior probability is ",
                Math("P(D) = 0.01"),
                ", and a test catches almost every real case but also raises a false alarm for "
                "a few healthy people. The question we care about is how likely the disease is "
                "after a positive result, and the rule answers it directly.",
            ),
            Display("P(D \\mid T) = \\frac{P(T \\mid D) P(D)}{P(T)}"),
            P(
                "Working through the numbers usually gives a surprisingly small answer, because "
                "healthy people vastly outnumber sick ones and their false alarms add up. The "
                "lesson is not that the test is useless, but that a rare condition needs strong "
                "evidence before we should believe in it."
            ),
        ),
    ),
    Post(
        slug="reading-notes",
        title="读书笔记：慢下来的力量",
        published="2024-04-06T16:20:00+08:00",
        author=AUTHOR_ZH,
        category="读书",
        tags=(),
        lang="zh",
        body=(
            P(
                "最近读完了一本关于慢生活的书，作者用许多平常的小故事提醒我们，"
                "忙碌并不等于充实，速度也不等于效率。合上书的时候，我想了很久自己每天到底在忙些什么。"
            ),
            P(
                "书里有一章讲到专注。作者说，我们习惯同时做好几件事，一边开会一边回消息，"
                "一边吃饭一边刷手机，看起来什么都没有耽误，其实每件事都只做了一半。"
                "真正有价值的工作，往往需要长时间不被打扰的安静。"
            ),
            P(
                "读完以后，我给自己定了几条很小的规矩：早上第一个小时不看手机，"
                "写东西的时候关掉所有通知，每周留出一个下午什么计划也不安排。"
                "坚持了一个月，效果比我预想的还要好，心里也平静了许多。"
            ),
            P(
                "当然，慢下来并不是什么都不做，而是把注意力放回真正重要的事情上。"
                "这本书没有给出标准答案，但它让我重新开始思考，这大概就是一本好书最大的价值。"
            ),
            P(
                "我把书里最喜欢的一句话抄在了笔记本的第一页：生活不是一场比赛，不必每一步都赶在别人前面。"
                "每当我又开始焦虑、想把日程排得满满当当的时候，就翻开看一眼，提醒自己停一停，"
                "先问问这件事是不是真的值得去做。"
            ),
        ),
    ),
    Post(
        slug="balcony-garden",
        title="Growing Vegetables on a Small Balcony",
        published="2024-04-20T10:50:00+08:00",
        author=AUTHOR_ZH,
        category="Life",
        tags=("garden",),
        lang="en",
        body=(
            P(
                "Two years ago my balcony held nothing but a drying rack and a broken chair. "
                "Today it grows tomatoes, lettuce, spring onions and more basil than I can "
                "eat, and tending it has become my favourite part of the weekend."
            ),
            P(
                "The most important lesson was to watch the light before buying anything. My "
                "balcony faces east and gets about five hours of direct sun, which is plenty "
                "for leafy greens and herbs but only just enough for tomatoes, so I put them in "
                "the brightest corner and chose a small cherry variety."
            ),
            P(
                "Containers dry out quickly in summer, so deep pots and a thick layer of mulch "
                "made a bigger difference than any fertiliser. I water early in the morning, "
                "check the leaves for pests once a week, and keep a little notebook of what "
                "worked, which makes planning the next season much easier."
            ),
        ),
    ),
    Post(
        slug="frontend-performance",
        title="前端性能优化的几点经验",
        published="2024-05-11T13:25:00+08:00",
        author=AUTHOR_EN,
        category="编程",
        tags=("javascript", "性能"),
        lang="zh",
        body=(
            P(
                "网页打开慢，用户往往等不到三秒就会离开。过去一年，我们团队花了不少时间优化一个老项目的加载速度，"
                "这里把几条最有效的经验整理出来，供大家参考。"
            ),
            P(
                "第一是减少首屏需要的资源。图片要按尺寸压缩并延迟加载，不在首屏出现的脚本全部推迟执行，"
                "第三方统计代码也应当异步引入。仅仅这一步，首屏时间就缩短了将近一半。"
            ),
            P(
                "第二是避免频繁触发的事件拖慢页面。滚动和输入事件每秒可能触发几十次，"
                "如果每次都执行复杂的计算，页面就会明显卡顿。常见的做法是加上防抖，例如下面这个小函数。"
            ),
            Code(
                "js",
                "function debounce(fn, wait) {\n"
                "  let timer;\n"
                "  return (...args) => {\n"
                "    clearTimeout(timer);\n"
                "    timer = setTimeout(() => fn(...args), wait);\n"
                "  };\n"
                "}\n",
            ),
            P(
                "最后，优化一定要以测量为依据。我们在每次发布前都会记录关键指标，"
                "一旦发现数值变差就立即排查，而不是凭感觉猜测问题出在哪里。"
            ),
            P(
                "性能优化不是一次性的工作，而是需要长期坚持的习惯。新功能不断加入，页面也会慢慢变重，"
                "所以我们把加载时间写进了持续集成的检查项，超过预算就不允许合并。"
                "这个规则一开始让大家有些不习惯，但半年下来，页面的速度始终保持在一个让人满意的水平，"
                "用户的投诉也明显少了。"
            ),
        ),
    ),
    Post(
        slug="compound-interest",
        title="The Quiet Power of Compound Interest",
        published="2024-05-25T19:00:00+08:00",
        author=AUTHOR_EN,
        category="Mathematics",
        tags=("finance",),
        lang="en",
        body=(
            P(
                "Compound interest is easy to describe and surprisingly hard to feel. Money "
                "earns interest, the interest earns interest, and after enough years the growth "
                "looks less like a straight line and more like a curve bending sharply upward."
            ),
            P(
                "If you invest an amount ",
                Math("P"),
                " at an annual rate ",
                Math("r"),
                " for a number of years, the value at the end follows a simple formula. The "
                "exponent is what matters: doubling the time does far more than doubling the "
                "result.",
            ),
            Display("A = P (1 + r)^{n}"),
            P(
                "A few lines of code make the effect concrete. Running the loop below for "
                "thirty years at seven percent turns one thousand into roughly seven and a half "
                "thousand, most of it earned in the final decade."
            ),
            Code(
                "python",
                "balance = 1000.0\n"
                "for year in range(30):\n"
                "    balance *= 1.07\n"
                "print(round(balance, 2))\n",
            ),
            P(
                "The practical lesson is to start early and to be patient. Small, regular "
                "contributions left alone for a long time usually beat large, clever moves made "
                "late, and high fees quietly compound against you in exactly the same way."
            ),
        ),
    ),
    Post(
        slug="winter-soup",
        title="冬天的一碗萝卜汤",
        published="2024-06-08T11:35:00+08:00",
        author=AUTHOR_ZH,
        category="生活",
        tags=(),
        lang="zh",
        body=(
            P(
                "小时候每到冬天，外婆总会在炉子上炖一锅萝卜排骨汤。"
                "放学回家推开门，满屋子都是热气和香味，那是我记忆里冬天最温暖的味道。"
            ),
            P(
                "外婆做汤从来不用量杯，排骨先焯水去掉血沫，再和姜片一起放进砂锅，小火慢慢炖上一个多小时。"
                "萝卜要等到最后半小时才下锅，这样既能吸饱汤汁，又不会煮得太烂。"
                "出锅前撒一把葱花，再加一点盐，就是全部的秘诀。"
            ),
            P(
                "后来我搬到另一座城市工作，冬天下班回家，也会学着外婆的样子炖一锅汤。"
                "味道总是差那么一点，也许是砂锅不一样，也许只是因为厨房里少了那个忙碌的身影。"
            ),
            P(
                "今年春节回家，我特意站在外婆旁边看她做了一遍，把每一个步骤都记在手机里。"
                "她笑着说，做汤没有什么诀窍，就是要有耐心，火不能急，人也不能急。"
            ),
            P(
                "回到自己的小厨房，我照着笔记又炖了一次，这一回终于有了几分熟悉的味道。"
                "窗外飘着细雪，锅里咕嘟咕嘟地响着，我忽然明白，外婆的汤之所以好喝，"
                "是因为里面有她对家人的惦记。等到明年冬天，我想请朋友们来家里，一起喝一碗热乎乎的萝卜汤。"
            ),
        ),
    ),
]


def truth(post: Post) -> dict[str, Any]:
    """The expected values for one post (without the rendered URL path)."""
    return {
        "slug": post.slug,
        "title": post.title,
        "published": post.published,
        "author": post.author,
        "category": post.category,
        "tags": list(post.tags),
        "lang": post.lang,
        "paragraphs": post.paragraphs,
        "code_blocks": post.code_blocks,
        "formulas": post.formulas,
        "formula_tex": post.formula_tex,
    }


def _yaml_value(value: Any) -> str:
    # JSON scalars and flow lists are valid YAML and need no escaping rules of their own.
    return json.dumps(value, ensure_ascii=False)


def front_matter(
    post: Post,
    *,
    date_format: Callable[[Post], str] | None = None,
    keys: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """YAML front matter for `post`, delimited by `---` lines.

    `keys` renames fields (e.g. {"category": "categories"}); a field renamed to "" is
    dropped. `date_format` turns the post into the date string (default: ISO with offset).
    `extra` adds fields, or a callable per post under the key "__per_post__".
    """
    names = {
        "title": "title",
        "date": "date",
        "author": "author",
        "category": "categories",
        "tags": "tags",
    }
    names.update(keys or {})
    date = date_format(post) if date_format else post.published
    values: dict[str, Any] = {
        "title": post.title,
        "date": date,
        "author": post.author,
        "category": [post.category],
        "tags": list(post.tags),
    }
    lines = ["---"]
    for field_name, value in values.items():
        key = names.get(field_name, field_name)
        if key:
            lines.append(f"{key}: {_yaml_value(value)}")
    for key, value in (extra or {}).items():
        if key == "__per_post__":
            for k, v in value(post).items():
                lines.append(f"{k}: {_yaml_value(v)}")
        else:
            lines.append(f"{key}: {_yaml_value(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def to_markdown(post: Post, **front_matter_options: Any) -> str:
    """The complete Markdown file: front matter, blank line, body."""
    return front_matter(post, **front_matter_options) + "\n" + post.body_markdown()


def write_posts(
    directory: Path | str,
    posts: list[Post] | None = None,
    *,
    suffix: str = ".md",
    **front_matter_options: Any,
) -> list[Path]:
    """Write each post to `directory/<slug><suffix>`; returns the paths written."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for post in posts if posts is not None else POSTS:
        path = out_dir / f"{post.slug}{suffix}"
        path.write_text(to_markdown(post, **front_matter_options), encoding="utf-8")
        written.append(path)
    return written


def _check() -> None:
    days = {p.published_dt.date() for p in POSTS}
    assert len(POSTS) == 12 and len(days) == 12, "12 posts on distinct days"
    assert len({p.slug for p in POSTS}) == 12
    assert {p.author for p in POSTS} == {AUTHOR_ZH, AUTHOR_EN}
    for p in POSTS:
        assert isinstance(p.body[0], Para), p.slug
        assert sum(isinstance(b, Para) for b in p.body) >= 3, p.slug
        assert sum(len(t) for t in p.paragraphs) >= 400, (p.slug, sum(map(len, p.paragraphs)))
        assert p.published.endswith("+08:00"), p.slug
        assert 0 <= len(p.tags) <= 3, p.slug


_check()

if __name__ == "__main__":
    for p in POSTS:
        print(
            f"{p.published[:10]} {p.lang} {p.slug:24} chars={sum(map(len, p.paragraphs)):4} "
            f"code={p.code_blocks} formulas={p.formulas} tags={list(p.tags)}"
        )
