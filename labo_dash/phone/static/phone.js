(function(){var f=document.getElementById('ballot');if(!f)return;
var k=+f.dataset.dots,o=document.getElementById('left');
function n(){var t=0;f.querySelectorAll('input[data-dot]:checked').forEach(function(i){
t+=i.type==='checkbox'?1:+i.value});
var r=k-t;o.textContent=r>=0?'Gommettes restantes : '+r:'Trop de gommettes : retirez-en '+(-r);
o.style.color=r>=0?'#111':'#b00020'}f.addEventListener('change',n);n()})();
(function(){var c=document.getElementById('countdown');if(!c)return;
var end=Date.now()+1000*(+c.dataset.left);function t(){var s=Math.max(0,Math.ceil((end-Date.now())/1000)),
m=Math.floor(s/60),r=s%60;c.textContent='⏱️ Il reste '+(m?m+' min'+(r?' '+r+' s':''):r+' s')+' pour voter.';
if(s>0)setTimeout(t,1000)}setTimeout(t,1000)})();
