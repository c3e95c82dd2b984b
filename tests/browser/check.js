/* check.js - injected by tests/browser/check.sh into a temporary copy of a report (the report
 * itself has no script). Collects page errors from the start, and on load measures the page:
 * every <svg> rendered with a size, every figure with something drawn in its data layer, no
 * table or cell wider than its box. Writes one line per finding, then the sections and their
 * boxes, into a <pre> with the id browser-check, for `chromium --dump-dom` to carry out. */
(function () {
    var errors = [];
    window.addEventListener('error', function (e) {
        var t = e.target;
        if (t && t !== window && t.tagName)  /* a resource (img, object) that did not load */
            errors.push('resource ' + t.tagName.toLowerCase() + ' ' + (t.src || t.data || '') + ' failed to load');
        else
            errors.push('script error: ' + e.message);
    }, true);
    var ce = console.error;
    console.error = function () { errors.push('console.error: ' + Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); };

    function where(el) { /* the nearest id around el, for the message */
        for (var p = el; p && p.nodeType === 1; p = p.parentNode)
            if (p.id) return '#' + p.id;
        return 'body';
    }
    function grey(c) { /* "rgb(r, g, b)" or "rgba(...)": no colour, or a grey */
        var m = /rgba?\((\d+), (\d+), (\d+)(, ([\d.]+))?\)/.exec(c || '');
        if (!m) return true;
        if (m[5] !== undefined && +m[5] === 0) return true;
        var r = +m[1], g = +m[2], b = +m[3];
        return Math.max(r, g, b) - Math.min(r, g, b) < 24;
    }
    var SHAPES = 'circle,ellipse,line,path,polygon,polyline,rect';
    function drawn(el) { /* a shape with an extent that paints something */
        var b;
        try { b = el.getBBox(); } catch (e) { return false; }
        if (b.width <= 0 && b.height <= 0) return false;
        var s = getComputedStyle(el);
        if (s.display === 'none' || s.visibility === 'hidden') return false;
        return (s.fill !== 'none' && !/^rgba\(.*, 0\)$/.test(s.fill)) ||
               (s.stroke !== 'none' && !/^rgba\(.*, 0\)$/.test(s.stroke));
    }
    function check() {
        var out = [], heights = {};
        /* the innermost sections (chapter 3's one per intervention, not chapter 3 whole) and
         * their heights as the reader first sees them, for the screenshots */
        Array.prototype.forEach.call(document.querySelectorAll('section[id]'), function (s) {
            if (!s.querySelector('section[id]'))
                heights[s.id] = Math.ceil(s.getBoundingClientRect().height); });
        Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
        document.body.offsetHeight; /* lay out the opened details */
        errors.forEach(function (e) { out.push('ERROR rendering: ' + e); });
        var svgs = document.querySelectorAll('svg');
        var nsvg = 0;
        Array.prototype.forEach.call(svgs, function (svg, k) {
            if (svg.parentNode.closest && svg.parentNode.closest('svg')) return; /* nested */
            nsvg++;
            var id = 'svg ' + (k + 1) + ' in ' + where(svg);
            var r = svg.getBoundingClientRect();
            if (r.width < 1 || r.height < 1)
                out.push('ERROR rendering: ' + id + ' renders ' + r.width + 'x' + r.height);
            var shapes = Array.prototype.filter.call(svg.querySelectorAll(SHAPES), drawn);
            var text = Array.prototype.filter.call(svg.querySelectorAll('text'), function (t) {
                return t.textContent.trim() !== ''; });
            if (shapes.length === 0) {
                out.push('ERROR empty figure: ' + id + ' draws nothing (' + text.length + ' texts, no shape)');
                return;
            }
            /* the data layer: <g class="data"> when the writer marks it, else the coloured marks
             * (axes, grid lines and frames are grey or black in every chart effekt draws) */
            var layer = svg.querySelectorAll('g.data');
            var data = layer.length
                ? Array.prototype.filter.call(svg.querySelectorAll('g.data ' + SHAPES.split(',').join(', g.data ')), drawn)
                : shapes.filter(function (el) {
                      var s = getComputedStyle(el);
                      return !grey(s.fill) || !grey(s.stroke); });
            if (data.length === 0)
                out.push('ERROR empty figure: ' + id + ' has axes but an empty data layer (' + shapes.length + ' grey shapes)');
        });
        Array.prototype.forEach.call(document.querySelectorAll('figure'), function (f) {
            if (!f.querySelector('svg, img, object, table'))
                out.push('ERROR empty figure: <figure> in ' + where(f) + ' holds no chart');
        });
        var tables = document.querySelectorAll('table');
        Array.prototype.forEach.call(tables, function (t, k) {
            var id = 'table ' + (k + 1) + ' in ' + where(t);
            var cap = t.querySelector('caption');
            if (cap) id += ' ("' + cap.textContent.trim().slice(0, 40) + '")';
            if (t.scrollWidth > t.clientWidth + 1)
                out.push('ERROR table overflow: ' + id + ' scrollWidth ' + t.scrollWidth + ' > clientWidth ' + t.clientWidth);
            var box = t.parentNode, tr = t.getBoundingClientRect(), br = box.getBoundingClientRect();
            var inner = br.right - parseFloat(getComputedStyle(box).paddingRight);
            if (tr.right > inner + 1 || t.offsetWidth > box.clientWidth + 1)
                out.push('ERROR table overflow: ' + id + ' is ' + Math.round(tr.width) + ' px wide, its container ' + box.clientWidth + ' px');
            Array.prototype.forEach.call(t.querySelectorAll('th, td'), function (c) {
                if (c.scrollWidth > c.clientWidth + 1)
                    out.push('ERROR table overflow: ' + id + ' cell "' + c.textContent.trim().slice(0, 40) + '" scrollWidth ' + c.scrollWidth + ' > clientWidth ' + c.clientWidth);
            });
        });
        if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)
            out.push('ERROR page overflow: the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + document.documentElement.clientWidth + ' px window');
        out.push('COUNT svg ' + nsvg + ' table ' + tables.length + ' figure ' + document.querySelectorAll('figure').length);
        for (var id in heights)
            out.push('SECTION ' + id + ' ' + heights[id]);
        var pre = document.createElement('pre');
        pre.id = 'browser-check';
        pre.textContent = out.join('\n');
        document.body.appendChild(pre);
    }
    window.addEventListener('load', function () { setTimeout(check, 0); });
})();
