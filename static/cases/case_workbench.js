// The case's link chart beside its timeline and map (templates/cases/investigations/
// case_chart.html): each follows the other.
//
// - An entity picked on the chart (a tap, or its name in the list) highlights its places
//   on the map and its moments on the timeline, and dims the rest.
// - A place or a timeline item picked (on the map, "Show on the map", "Show on the
//   chart") selects the entities it concerns on the chart (a relation: its two ends and
//   the relation itself) and dims the rest of the chart.
// - The chart's period and the timeline's slider stay in step: moving one moves the
//   other to the same day.
//
// Both views answer only with what the user may see (the graph API and the case's
// timeline and places); this module only passes ids between them.
(function () {
  "use strict";
  const root = document.querySelector("[data-case-workbench]");
  if (!root) return;
  const chart = root.querySelector("[data-link-chart]").linkChart;
  const timelineRoot = root.querySelector("[data-case-timeline]");
  const timeline = timelineRoot && timelineRoot.caseTimeline;
  if (!chart || !timeline) return;
  const strings = JSON.parse(document.getElementById("case-workbench-strings").textContent);
  const status = root.querySelector("[data-workbench-status]");
  let picked = []; // the entities picked on the chart: [{id, label}]
  // One view under the other (a phone, a narrow window): the chart's own status line,
  // in view where the user picked, says it too.
  const stacked = window.matchMedia("(max-width: 1199px)");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
  }

  function say(text) {
    status.textContent = text;
    if (stacked.matches) chart.say(text);
  }

  function showPicked() {
    if (!picked.length) {
      timeline.highlightEntities(null);
      say(strings.cleared);
      return;
    }
    const found = timeline.highlightEntities(picked.map((entity) => entity.id));
    say(
      format(strings.picked, {
        labels: picked.map((entity) => entity.label).join(", "),
        places: found.places,
        moments: found.moments,
      })
    );
  }

  chart.onPick((entities) => {
    picked = entities;
    showPicked();
  });
  // Places that came after the pick count too.
  timeline.onLoaded(() => {
    if (picked.length) showPicked();
  });

  timeline.onSelect((key, entities) => {
    picked = [];
    timeline.highlightEntities(null);
    const relation = /^relation-(\d+)$/.exec(key);
    const found = chart.focus(entities, relation ? [Number(relation[1])] : []);
    const item = document.getElementById(`item-${key}`);
    const title = item ? item.querySelector(".timeline-item__title").textContent.trim() : key;
    if (!entities.length) {
      say(format(strings.noEntity, { title: title }));
      return;
    }
    let text = found.length ? format(strings.onChart, { labels: found.map((e) => e.label).join(", ") }) : "";
    if (found.length < entities.length) {
      text = `${text} ${format(strings.offChart, { count: entities.length - found.length })}`.trim();
    }
    say(text);
  });

  chart.onPeriod((day) => timeline.showUpToDay(day));
  timeline.onMoment((day) => chart.setPeriodEnd(day));

  root.querySelector("[data-workbench-clear]").addEventListener("click", () => {
    picked = [];
    chart.focus([], []);
    timeline.highlightEntities(null);
    timeline.select(null);
    say(strings.cleared);
  });
})();
