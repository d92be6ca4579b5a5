"""The story map in Streamlit: a fixed base map, markers as ``feature_group_to_add``, clicks -> selection."""

from __future__ import annotations

import streamlit as st

from components import state
from components.i18n import current, t
from geostory.maps.assets import load_basemap
from geostory.model import Story

# Only clicks on objects rerun the app: panning and zooming change other keys and stay in the browser.
RETURNED_OBJECTS = ["last_object_clicked_tooltip", "last_object_clicked_count"]


def render_map(
    story: Story,
    *,
    selected: str | None,
    visible: set[str] | None,
    key: str = state.MAP_KEY,
    height: int = 540,
) -> str | None:
    """Draw the map of ``story``; returns the selected place id after any click was applied.

    The base map is rebuilt identically on each run (so the iframe stays mounted); markers and the
    selection travel in ``feature_group_to_add``; the view moves only when the selection came from
    the place list or the URL.
    """
    # folium (with pandas and branca) is imported here, not with the page: on a server's first run the page's other
    # elements reach the browser, which fetches their code, while these modules load (0.4-0.6 s)
    import folium
    from streamlit_folium import st_folium

    from geostory.maps import build_base_map, build_place_layer

    basemap = load_basemap()
    if basemap is None:
        st.warning(t("basemap_missing"))
    lang = current()  # the map's own words (legend, popups, layer names) in the interface language
    base = build_base_map(story, basemap=basemap, lang=lang)
    places = build_place_layer(story, selected=selected, visible=visible, lang=lang)
    view = state.view()
    st_folium(
        base,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=RETURNED_OBJECTS,
        feature_group_to_add=places,
        layer_control=folium.LayerControl(collapsed=True),
        center=view[0] if view else None,
        zoom=view[1] if view else None,
        on_change=lambda: state.sync_map_click(story),
        render=False,  # st_folium renders the map itself once; a full Figure render would do it twice
    )
    mapped = [p.id for p in story.places if p.resolved]
    if visible is not None:
        shown = sum(1 for pid in mapped if pid in visible)
        if shown < len(mapped):
            st.caption(t("map_filtered", shown=shown, total=len(mapped)))
    return state.selected_place(story)
