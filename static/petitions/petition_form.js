// The registration form: show only the unit fields the chosen level uses, and the
// petitioner's name only for a real-name petition. Without JavaScript every field shows and
// the server says which one is wrong.
(function () {
  "use strict";
  var form = document.getElementById("petition-form");
  if (!form) {
    return;
  }

  function show(name, visible) {
    var wrapper = form.querySelector('[data-field="' + name + '"]');
    // A field with an error always stays in sight.
    if (wrapper && !wrapper.querySelector(".is-invalid")) {
      wrapper.hidden = !visible;
    }
  }

  function update() {
    var level = form.querySelector('[name="level"]');
    if (level) {
      show("receiving_township", level.value === "township");
      show("county", level.value !== "township");
    }
    var anonymous = form.querySelector('[name="real_name"][value="0"]');
    if (anonymous) {
      show("petitioner_name", !anonymous.checked);
    }
  }

  form.addEventListener("change", update);
  update();
})();
