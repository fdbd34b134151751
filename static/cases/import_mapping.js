// The import's mapping: each column's property list follows the schema of the entity
// the column goes to. The server renders the list for the schema already chosen (the page
// works without this script); here the list switches as soon as the analyst changes an
// entity's schema or a column's entity, keeping the property picked when the new schema
// has it too.
const data = document.getElementById("ftm-schema-properties");
const form = data && data.closest("form");
if (form) {
  const propertiesOf = JSON.parse(data.textContent);
  const fieldOf = (name) => form.elements.namedItem(name);

  const fill = (select, choices) => {
    const current = select.value;
    const options = [new Option("—", "")];
    for (const [name, label] of choices) {
      options.push(new Option(label, name, false, name === current));
    }
    select.replaceChildren(...options);
  };

  const refresh = (index) => {
    const select = fieldOf(`property_${index}`);
    const slot = fieldOf(`target_${index}`)?.value;
    const schema = slot ? fieldOf(`schema_${slot}`)?.value : "";
    if (select) {
      fill(select, (schema && propertiesOf[schema]) || []);
    }
  };

  const columns = [...form.querySelectorAll("[data-import-property]")].map(
    (select) => select.dataset.importProperty,
  );
  form.addEventListener("change", (event) => {
    const name = event.target.name || "";
    if (name.startsWith("schema_")) {
      const slot = name.slice("schema_".length);
      columns.filter((index) => fieldOf(`target_${index}`)?.value === slot).forEach(refresh);
    } else if (name.startsWith("target_")) {
      refresh(name.slice("target_".length));
    }
  });
}
