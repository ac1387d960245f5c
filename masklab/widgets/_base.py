"""The base class of the explorers: CSS classes, and a static HTML copy of the current state."""

from __future__ import annotations

import html

import ipywidgets as widgets

from masklab._i18n import _
from masklab.display import TEXT


class _Explorer(widgets.VBox):
    """Base of the explorers: CSS classes, and a static HTML copy of the current state.

    Every explorer's root carries the classes ``masklab-explorer`` and
    ``masklab-<kind>-explorer``. Its mimebundle adds ``text/html`` beside the
    widget view: frontends with a live widget manager (JupyterLab, Notebook,
    VS Code) prefer the widget view; where none is live (an untrusted or not
    yet run notebook, nbconvert without widget state, GitHub) the HTML shows
    the explorer's state when the cell last ran, instead of the raw repr.

    A subclass sets ``_kind`` and overrides :meth:`_controls_text`, and
    :meth:`_view_html` when its view is not one ``view`` HTML widget.
    """

    _kind = ""

    def __init__(self, children=(), **kwargs):
        super().__init__(children, **kwargs)
        self.add_class("masklab-explorer")
        self.add_class(f"masklab-{self._kind}-explorer")

    def _controls_text(self) -> str:
        """The controls' current settings, one short line of plain text."""
        return ""

    def _static_html(self) -> str:
        """The explorer's current state as static HTML (str): its settings and its current view."""
        # The class name and the settings (the text/plain repr's) stay as code; only the note is translated.
        controls = html.escape(self._controls_text())
        # Translators: a note after the explorer's settings, in a snapshot of it shown where its controls
        # cannot run (a notebook not yet run, GitHub); "the cell" is the notebook cell that made the explorer.
        note = _("(a static copy: run the cell to use the controls)")
        return (
            f'<div class="masklab-explorer masklab-static masklab-static-{self._kind}" style="color:{TEXT}">'
            f'<p style="margin:2px 0"><b>{type(self).__name__}</b>: {controls} '
            f"<i>{note}</i></p>"
            f"{self._view_html()}</div>"
        )

    def _view_html(self) -> str:
        """The HTML of the explorer's current view (str)."""
        return self.view.value

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = f"{type(self).__name__}({self._controls_text()})"
            data["text/html"] = self._static_html()
        return data
