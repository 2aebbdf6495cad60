"""The presenter's view for a projector: `poll?w=CODE&view=tally`.

The tally redraws every second (a fragment asking the store one small question: the count of
answers per factor); the short link and its QR code sit beside it. Below: the results by
economy and region (every 5 s), the downloads (made when clicked, so always current) and, for
a signed-in editor, the button that closes the poll.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import state
from dashboard.auth import current_editor
from dashboard.i18n import language, t
from dashboard.poll import manage
from dashboard.poll.common import factor_name, participant_link, polls, qr_png, workshop_heading
from readiness.data.groups import ITU_REGION_CODES
from readiness.experiences.exports import export_poll
from readiness.experiences.vocabulary import FACTORS
from readiness.figures.charts import layout, plotly_config
from readiness.i18n import format_number, format_percent
from readiness.store.errors import StoreError

REFRESH_S = 1  # the tally; the issue asks for the room's answers on screen within 2 s
RESULTS_REFRESH_S = 5  # the tables by economy and region
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def participants(tally: pd.DataFrame) -> int:
    """The number of participants who answered, as the store's tally gives it."""
    if "n_participants" in tally.attrs:
        return int(tally.attrs["n_participants"])
    if "n_participants" in tally.columns and len(tally):
        return int(tally["n_participants"].iloc[0])
    return 0


def tally_figure(tally: pd.DataFrame) -> go.Figure:
    """One horizontal bar per factor (most answers on top), its count and share at its end."""
    order = tally.sort_values(["answers", "rank1"], ascending=True, kind="stable")
    names = [factor_name(code) for code in order["factor"]]
    counts = order["answers"].astype(int).tolist()
    shares = order["share"].fillna(0).astype(float).tolist()
    lang = language()
    labels = [
        f"{format_number(n, lang, 0)}  ({format_percent(s, lang)})" if n else "0"
        for n, s in zip(counts, shares, strict=True)
    ]
    fig = go.Figure(
        go.Bar(x=counts, y=names, orientation="h", text=labels, textposition="outside",
               cliponaxis=False, hoverinfo="skip")
    )  # fmt: skip
    layout(fig, height=max(420, 46 * len(names)))
    fig.update_layout(font={"size": 22}, margin={"l": 10, "r": 90, "t": 10, "b": 10})
    fig.update_xaxes(visible=False, range=[0, max(1, max(counts, default=0)) * 1.15])
    fig.update_yaxes(automargin=True, tickfont={"size": 20})
    return fig


def render(code: str) -> None:
    """The big tally of poll `code`, its link and QR code, results, downloads."""
    workshop = workshop_heading(code)  # StoreError: no database (the page says so)
    if workshop is None:
        return
    left, right = st.columns([3, 1], gap="large")
    with left:
        _live(code)
    with right:
        link = participant_link(code)
        st.markdown(f"**{t('poll.join')}**")
        st.code(link, language=None, wrap_lines=True)
        st.image(qr_png(link), width="stretch")
    _results(code)
    _downloads(code)
    may_close = current_editor() is not None and workshop["is_open"]
    if may_close and st.button(t("poll.close"), key="poll_w_close_here", icon=":material/lock:"):
        manage.close_poll(code)
        st.rerun()


@st.fragment(run_every=REFRESH_S)
def _live(code: str) -> None:
    try:
        store = polls()
        tally = store.tally(code)
        is_open = bool(store.workshop(code)["is_open"])
    except StoreError:  # the database went away for a moment: the next second tries again
        st.warning(t("poll.store_unavailable"))
        return
    st.metric(t("poll.participants"), participants(tally))
    if not is_open:
        st.info(t("poll.closed_tally"))
    st.plotly_chart(
        tally_figure(tally), config={**plotly_config(), "staticPlot": True}, key="poll_tally"
    )


@st.fragment(run_every=RESULTS_REFRESH_S)
def _results(code: str) -> None:
    st.subheader(t("poll.results"))
    tabs = st.tabs([t("poll.by_economy"), t("poll.by_region")])
    for tab, by in zip(tabs, ("economy", "region"), strict=True):
        with tab:
            try:
                table = readable(polls().tally_by(code, by=by), by)
            except StoreError:  # the database went away for a moment
                st.warning(t("poll.store_unavailable"))
                continue
            if table.empty:
                st.info(t("poll.no_answers"))
            else:
                st.dataframe(table, hide_index=True, width="stretch")


def region_names() -> dict[str, str]:
    """ITU-D region (as the store names it, in English) -> its name in the session's language."""
    return {name: t(f"group.{code}") for code, name in ITU_REGION_CODES.items()}


def readable(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """A tally_by table as one row per economy (or region): its name in the session's
    language, its participants, then the answers per factor (0 where nobody chose it)."""
    if table.empty:
        return pd.DataFrame()
    wide = table.pivot_table(index="key", columns="factor", values="answers", aggfunc="sum")
    wide = wide.reindex(columns=list(FACTORS), fill_value=0).fillna(0).astype("int64")
    people = table.groupby("key")["n_participants"].first()
    names = state.name_map() if by == "economy" else region_names()
    out = pd.DataFrame({
        t(f"poll.col_{by}"): [names.get(k, k) if k else t("poll.economy_none") for k in wide.index],
        t("poll.col_participants"): people.reindex(wide.index).astype("int64").to_numpy(),
    })  # fmt: skip
    for code in FACTORS:
        out[factor_name(code)] = wide[code].to_numpy()
    return out.sort_values(t("poll.col_participants"), ascending=False, kind="stable")


def _downloads(code: str) -> None:
    """The poll's tally and answers as CSV, Excel and JSON, made when clicked."""
    lang = language()
    row = st.container(horizontal=True, gap="small")
    for fmt in ("csv", "xlsx", "json"):

        def data(fmt: str = fmt) -> bytes:
            store = polls()
            # export_poll writes the times as UTC ISO 8601 text in every format
            return export_poll(store.workshop(code), store.tally(code), store.answers(code), fmt,
                               lang=lang)  # fmt: skip

        row.download_button(
            t(f"poll.download_{fmt}"),
            data=data,
            file_name=f"poll-{code.lower()}.{fmt}",
            mime=MIME[fmt],
            key=f"poll_dl_{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )


__all__ = ["participants", "readable", "render", "tally_figure"]
