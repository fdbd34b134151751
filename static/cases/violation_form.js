// The violation form: category-specific fields, and the location from the device, a
// tap on the map or typed coordinates (parsed on the server).
(function () {
  const form = document.querySelector("[data-violation-form]");
  if (!form) return;
  // The category is a group of chips (radio buttons named "category").
  const chosenCategory = () => {
    const checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  };
  const lat = form.querySelector("#id_latitude");
  const lon = form.querySelector("#id_longitude");
  const source = form.querySelector("#id_location_source");
  const accuracy = form.querySelector("#id_location_accuracy_m");
  const typed = form.querySelector("#id_coordinates");
  const system = form.querySelector("#id_coordinate_system");
  const status = form.querySelector("[data-location-status]");

  function showCategoryFields() {
    form.querySelectorAll("[data-category]").forEach((fieldset) => {
      fieldset.hidden = fieldset.dataset.category !== chosenCategory();
    });
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "category") showCategoryFields();
  });
  showCategoryFields();

  const mapElement = document.getElementById("location-map");
  const map = window.PortalMap.create(mapElement);
  let marker = null;

  function place(latitude, longitude, how, metres) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    source.value = how;
    if (metres !== undefined && accuracy) accuracy.value = Math.round(metres);
    typed.value = latitude.toFixed(6) + ", " + longitude.toFixed(6);
    system.value = "dd";
    const latlng = [latitude, longitude];
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng, { draggable: true }).addTo(map);
    marker.off("dragend").on("dragend", () => {
      const moved = marker.getLatLng();
      place(moved.lat, moved.lng, "map");
    });
  }

  if (lat.value && lon.value) {
    place(parseFloat(lat.value), parseFloat(lon.value), source.value || "map");
    map.setView([parseFloat(lat.value), parseFloat(lon.value)], 13);
  }
  map.on("click", (event) => {
    place(event.latlng.lat, event.latlng.lng, "map");
    status.textContent = form.dataset.mapSetText || "";
  });
  typed.addEventListener("input", () => {
    // Typed coordinates win; the server parses them in the chosen format.
    lat.value = "";
    lon.value = "";
    source.value = "typed";
  });

  const useButton = form.querySelector("[data-use-position]");
  useButton.addEventListener("click", () => {
    if (!navigator.geolocation) {
      status.textContent = useButton.dataset.unavailable || "Location is not available on this device.";
      return;
    }
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        place(position.coords.latitude, position.coords.longitude, "gps", position.coords.accuracy);
        map.setView([position.coords.latitude, position.coords.longitude], 15);
        status.textContent = "± " + Math.round(position.coords.accuracy) + " m";
      },
      (error) => {
        status.textContent = error.message;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
    );
  });
})();
