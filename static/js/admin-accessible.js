/* What the admin's scripts leave out for assistive technologies (axe-core, WCAG 2.1 AA), added
   once they have built their widgets. Nothing here is needed to save a form: without
   JavaScript the admin has none of these widgets, only labelled inputs.

   - modeltranslation's language tabs (jQuery UI): the link is the tab; the <li role="tab">
     around it made two nested controls.
   - modeltranslation's switch of every tab at once: a label of its own, out of the heading.
   - django-prose-editor's editable area: the name, language, direction and help of the
     textarea it stands for.
   - Django's SelectFilter (filter_horizontal): the filter's tooltip is an image with a name,
     as an aria-label on a bare <span> is not allowed.
   - Django's calendar and clock pop-ups: dialogs named by the link that opens them.
   - Django's split date and time inputs on forms other than ours (core/admin/widgets.py
     labels ours in the HTML): "Date:" and "Time:" become their labels.
   - The inputs in the admin's tables (a list's inline edits, tabular inlines): named by their
     column's heading and their row's, and no empty column heading. */
"use strict";
(function () {
  var script = document.currentScript;
  var switchLabel = (script && script.getAttribute("data-translation-switch-label")) || "";
  var jQuery = window.django && window.django.jQuery;

  // --- modeltranslation's tabs: installed before its ready handler builds them ---------------
  // jQuery UI makes each <li> the tab and leaves the link inside it, a second control nested in
  // the first. The WAI-ARIA pattern instead: the link is the tab (role, state, roving
  // tabindex), the <li> only holds it. jQuery UI keeps writing the tab's state on the <li>;
  // after each of its steps the state moves to the link.
  if (jQuery && jQuery.ui && jQuery.ui.tabs && !jQuery.ui.tabs.prototype._linksAreTabs) {
    var moved = ["aria-selected", "aria-expanded", "aria-controls", "aria-disabled", "tabindex"];
    jQuery.widget("ui.tabs", jQuery.ui.tabs, {
      _linksAreTabs: true,
      _linksBecomeTabs: function () {
        this.tabs.each(function () {
          var item = this;
          var link = item.querySelector(".ui-tabs-anchor");
          if (!link) {
            return;
          }
          link.setAttribute("role", "tab");
          moved.forEach(function (name) {
            if (item.hasAttribute(name)) {
              link.setAttribute(name, item.getAttribute(name));
              item.removeAttribute(name);
            }
          });
          item.setAttribute("role", "presentation");
          item.removeAttribute("aria-labelledby"); // the link's own text names it
        });
      },
      _processTabs: function () {
        this._super();
        this._linksBecomeTabs();
      },
      _refresh: function () {
        this._super();
        this._linksBecomeTabs();
      },
      _toggle: function (event, eventData) {
        this._super(event, eventData);
        this._linksBecomeTabs();
      },
      _tabKeydown: function (event) {
        this._super(event);
        this._linksBecomeTabs();
      },
      _setOptionDisabled: function (disabled) {
        this._super(disabled);
        this._linksBecomeTabs();
      },
      _focusNextTab: function (index, goingForward) {
        index = this._super(index, goingForward);
        this.anchors.eq(index).trigger("focus");
        return index;
      },
      _panelKeydown: function (event) {
        this._super(event);
        if (event.ctrlKey && event.keyCode === jQuery.ui.keyCode.UP) {
          this.active.find(".ui-tabs-anchor").trigger("focus");
        }
      },
      _getPanelForTab: function (tab) {
        var link = jQuery(tab).find(".ui-tabs-anchor");
        var id = link.attr("aria-controls") || jQuery(tab).attr("aria-controls");
        return this.element.find("#" + CSS.escape(id));
      },
    });
  }

  function labelTranslationSwitch(select) {
    if (!switchLabel || select.hasAttribute("data-labelled")) {
      return;
    }
    select.setAttribute("data-labelled", "");
    var box = document.createElement("div");
    box.className = "newsroom-translation-switch";
    var label = document.createElement("label");
    label.htmlFor = select.id;
    label.textContent = switchLabel;
    var heading = select.closest("h1");
    if (heading) {
      heading.after(box); // its selected value is no part of the page's heading
    } else {
      select.before(box);
    }
    box.append(label, " ", select);
  }

  function describeEditor(area) {
    var editor = area.closest(".prose-editor");
    var textarea = editor && editor.querySelector("textarea");
    if (!textarea || area.hasAttribute("aria-label")) {
      return;
    }
    var name = textarea.getAttribute("aria-label");
    if (!name && textarea.labels && textarea.labels.length) {
      name = textarea.labels[0].textContent.trim();
    }
    if (name) {
      area.setAttribute("aria-label", name);
    }
    area.setAttribute("aria-multiline", "true");
    ["lang", "dir", "aria-describedby", "aria-invalid", "aria-required"].forEach(function (attr) {
      if (textarea.hasAttribute(attr)) {
        area.setAttribute(attr, textarea.getAttribute(attr));
      }
    });
  }

  var generated = 0;
  function idOf(element) {
    if (!element.id) {
      generated += 1;
      element.id = "newsroom-a11y-" + generated;
    }
    return element.id;
  }

  function labelDateTime(paragraph) {
    paragraph.querySelectorAll("input.vDateField, input.vTimeField").forEach(function (input) {
      var text = input.previousSibling;
      if (!input.id || input.labels.length || !text || text.nodeType !== Node.TEXT_NODE) {
        return;
      }
      var words = text.textContent.trim();
      if (!words) {
        return;
      }
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = words;
      text.replaceWith(" ", label, " ");
    });
    var row = paragraph.closest(".flex-container");
    var fieldLabel = row && row.querySelector(":scope > label");
    if (fieldLabel && !paragraph.closest("[role=group]")) {
      paragraph.setAttribute("role", "group");
      paragraph.setAttribute("aria-labelledby", idOf(fieldLabel));
    }
  }

  function nameTableControl(control) {
    if (
      control.type === "hidden" ||
      (control.labels && control.labels.length) ||
      control.hasAttribute("aria-label") ||
      control.hasAttribute("aria-labelledby")
    ) {
      return;
    }
    // The cell is `field-<name>` (modeltranslation moves it into a tab, as a <div>), its
    // column's heading `column-<name>`; a tabular inline's "Delete?" is the last column.
    var table = control.closest("table");
    var match = null;
    for (var cell = control.parentElement; cell && cell !== table && !match; ) {
      match = /(?:^|\s)field-(\S+)/.exec(cell.className);
      cell = cell.parentElement;
    }
    var heading = match
      ? table.querySelector("thead th.column-" + CSS.escape(match[1]))
      : control.closest("td.delete") && table.querySelector("thead tr > th:last-child");
    if (!heading) {
      return;
    }
    var names = [idOf(heading)];
    var row = control.closest("tr");
    var rowHeading = row && row.querySelector(":scope > th, :scope > td.original > p");
    if (rowHeading && !rowHeading.contains(control)) {
      names.push(idOf(rowHeading));
    }
    control.setAttribute("aria-labelledby", names.join(" "));
  }

  function improve(root) {
    if (root.nodeType !== Node.ELEMENT_NODE && root.nodeType !== Node.DOCUMENT_NODE) {
      return;
    }
    function each(selector, fix) {
      if (root.matches && root.matches(selector)) {
        fix(root);
      }
      root.querySelectorAll(selector).forEach(fix);
    }
    each("select.modeltranslation-switch", labelTranslationSwitch);
    each(".prose-editor > [contenteditable]", describeEditor);
    each(".help-tooltip[aria-label]:not([role])", function (tooltip) {
      tooltip.setAttribute("role", "img");
    });
    each(".calendarbox[id^=calendarbox], .clockbox[id^=clockbox]", function (box) {
      var opener = document.getElementById(box.id.replace(/box(\d+)$/, "link$1"));
      box.setAttribute("role", "dialog");
      if (opener) {
        box.setAttribute("aria-labelledby", opener.id);
      }
    });
    each("p.datetime", labelDateTime);
    each(
      "#result_list td :is(input, select, textarea), .tabular td :is(input, select, textarea)",
      nameTableControl
    );
    each(".tabular thead th.original:empty", function (cell) {
      var data = document.createElement("td");
      data.className = cell.className;
      cell.replaceWith(data);
    });
  }

  improve(document);
  // The widgets are built later (on DOMContentLoaded, on load, by ES modules, for a new inline
  // row): each is seen as it is added.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(improve);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
