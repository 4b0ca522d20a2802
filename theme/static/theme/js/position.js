// Where an enrolled cadre is in a lesson: the part they last scrolled to is sent (once per
// part, as they read) to the position endpoint, so 继续学习 brings them back to it.
// A file, not inline script: the site's Content-Security-Policy runs none.
(() => {
  const lesson = document.querySelector("[data-position-url]");
  if (!lesson || !("IntersectionObserver" in window)) {
    return;
  }
  const url = lesson.dataset.positionUrl;
  const token = lesson.dataset.csrf;
  let sent = "";
  const send = (part) => {
    if (part === sent) {
      return;
    }
    sent = part;
    const body = new FormData();
    body.append("pos", part);
    body.append("csrfmiddlewaretoken", token);
    fetch(url, { method: "POST", body, credentials: "same-origin", keepalive: true });
  };
  let timer = null;
  const observer = new IntersectionObserver(
    (entries) => {
      const visible = entries.filter((entry) => entry.isIntersecting);
      if (!visible.length) {
        return;
      }
      const part = visible[visible.length - 1].target.id;
      clearTimeout(timer);
      timer = setTimeout(() => send(part), 1500); // a part read, not scrolled past
    },
    { rootMargin: "0px 0px -60% 0px" },
  );
  document.querySelectorAll(".lesson-part[id]").forEach((part) => observer.observe(part));
})();
