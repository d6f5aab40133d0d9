/* Click the picture to set the focal point (fractions 0..1 in focal_x / focal_y). */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.querySelector(".desk-focal");
  if (!box) return;
  var img = box.querySelector("img"), dot = box.querySelector(".desk-focal__dot");
  var fx = document.getElementById("id_focal_x"), fy = document.getElementById("id_focal_y");
  function place(x, y) { dot.style.left = (x * 100) + "%"; dot.style.top = (y * 100) + "%"; }
  place(parseFloat(box.dataset.x), parseFloat(box.dataset.y));
  img.addEventListener("click", function (e) {
    var r = img.getBoundingClientRect();
    var x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    var y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    if (fx) fx.value = x.toFixed(3);
    if (fy) fy.value = y.toFixed(3);
    place(x, y);
  });
});
