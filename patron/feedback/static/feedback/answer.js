// The survey's answer page sends the chosen score by itself, so one tap on the e-mail's link
// answers; opening the link (as mail scanners do) records nothing until this form is posted.
// A file of its own: the Content-Security-Policy allows no inline script. Without JavaScript,
// the form's button sends the same answer. A tap on the button while the page is being sent
// is not sent again (it would meet the answer just recorded and say "answered already").
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) return;
  var sent = false;
  form.addEventListener("submit", function (event) {
    if (sent) event.preventDefault();
    sent = true;
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) sent = false; // back to this page: its button sends again
  });
  if (form.requestSubmit) {
    form.requestSubmit();
  } else {
    sent = true; // submit() fires no submit event
    form.submit();
  }
})();
