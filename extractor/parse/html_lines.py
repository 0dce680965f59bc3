"""Lines of a web page that are not the article: bylines, promotions, copyright, related links."""

from __future__ import annotations

import re

from extractor.parse.normalize import find_date

_WS_RE = re.compile(r"\s+")


LABEL_LINE_RE = re.compile(
    r"^[(（\[【]?\s*(?:责任编辑|编辑|责编|校对|审核|审校|监制|主编|值班编辑|本文编辑|文字编辑|实习编辑|编审|记者"
    r"|作者|来源|文章来源|稿件来源|新闻来源|本文来源|原标题|原创|图片来源|图源|摄影|撰文|翻译|出品|策划|通讯员|制作)\s*[:：]"
    r"|^图\s*[/／]"
)


# A short line without sentence punctuation naming a newsroom role is a byline.
BYLINE_RE = re.compile(r"记者|编辑|校对|责编|作者|摄影|通讯员|编译|撰文|供稿|特稿|审核|审校")


# Link-text tails ("返回腾讯网首页>>") and inline stock quotes "(115.395, 2.79, 2.47%)".
INLINE_JUNK_RE = re.compile(
    r"\s*返回\S{0,12}首页\s*>*\s*$"
    r"|\s*[(（]\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?%\s*[)）]"
)


_PROMO_RE = re.compile(
    r"(?:扫描|扫码|扫一扫|长按|识别).{0,10}二维码|二维码.{0,10}(?:关注|下载)|扫一扫|扫码(?:关注|下载|阅读)"
    r"|关注.{0,8}(?:微信公众号|公众号|官方微博|微信号|头条号)|(?:下载|打开|尽在|登录).{0,20}(?:APP|App|app|客户端)"
    r"|分享到|返回(?:首页|顶部|列表)|^(?:上一篇|下一篇)|打印本页|关闭窗口|点击(?:进入|查看|阅读|下载|这里)"
    r"|(?:阅读|查看)原文|纠错|字号[:：]?\s*[大中小]"
)


_COPYRIGHT_RE = re.compile(
    r"版权所有|版权声明|免责声明|Copyright|©|未经.{0,15}(?:授权|许可|同意).{0,20}(?:转载|使用|复制|摘编)"
    r"|转载请注明|不得转载|禁止转载|本文仅代表作者|不代表.{0,10}(?:立场|观点)|仅供参考.{0,10}风险自担|ICP备|公网安备",
    re.I,
)


RELATED_HEAD_RE = re.compile(
    r"^[【\[]?(?:相关阅读|相关新闻|相关报道|相关文章|相关链接|相关专题|延伸阅读|推荐阅读|热门推荐|热点推荐|热门文章"
    r"|热门新闻|猜你喜欢|为你推荐|更多精彩|精彩推荐|热点新闻|今日推荐|热文推荐|往期回顾|专题推荐|更多阅读|24小时热文)"
    r"[】\]]?\s*[:：]?$"
)


_META_WORDS_RE = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?|来源|发布时间|发布日期|发布|时间|日期|作者|编辑|浏览次数|点击数?|字号|打印|分享|星期.|周."
)


HAN_RE = re.compile(r"[\u3400-\u9fff]")


SENTENCE_END = "。！？!?…”」』）)"


def compact(s: str) -> str:
    return _WS_RE.sub("", s)


def is_meta_line(line: str) -> bool:
    """A short date/source/byline line (e.g. "2022年07月21日 18:44 第一财经")."""
    if len(line) > 60 or not find_date(line):
        return False
    rest = re.sub(r"(?:19|20)\d\d\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?", "", line)
    return len(HAN_RE.findall(_META_WORDS_RE.sub("", rest))) <= 12


def is_boilerplate(line: str) -> bool:
    n = len(line)
    return (
        (n <= 60 and LABEL_LINE_RE.search(line) is not None)
        or (n <= 30 and BYLINE_RE.search(line) is not None and not re.search(r"[，。；！？]", line))
        or (n < 4 and not HAN_RE.search(line))
        or (n <= 80 and _PROMO_RE.search(line) is not None)
        or (n <= 200 and _COPYRIGHT_RE.search(line) is not None)
        or not any(c.isalnum() for c in line)
    )
