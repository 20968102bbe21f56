/** Marks when the page's script starts running (imported first; read by the speed benchmark). */
performance.mark('lbsim:start');
