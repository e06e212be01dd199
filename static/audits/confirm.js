// Forms marked data-confirm ask before they are sent (deleting a finding cannot be undone).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
