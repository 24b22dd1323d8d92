/* SPDX-License-Identifier: Apache-2.0 */
/* epoll_timeout [N]: what a stop at the start of every wait with a timeout
 * would cost an event loop. Times N calls each, three rounds, on a ready
 * eventfd (each call returns at once, as a busy loop's do): epoll_wait with
 * a 1000 ms timeout (native), epoll_pwait2 with 1 s (in the sandbox it
 * stops at its start, so that an ignored signal does not end it early:
 * sentry/timed_wait.c) and epoll_wait with -1 (native).
 *   cc -O2 -o epoll_timeout bench/epoll_timeout.c
 *   runsc-c do -v $PWD:/b:ro -- /b/epoll_timeout 20000 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
 int n=argc>1?atoi(argv[1]):20000;
 int ep=epoll_create1(0), ev=eventfd(1,0);
 struct epoll_event e={.events=EPOLLIN};
 epoll_ctl(ep,EPOLL_CTL_ADD,ev,&e);
 struct timespec to={1,0};
 for (int round=0; round<3; round++){
 double t0=now();
 for(int i=0;i<n;i++) if(epoll_wait(ep,&e,1,1000)!=1) return 1;
 double t1=now();
 for(int i=0;i<n;i++) if(syscall(SYS_epoll_pwait2,ep,&e,1,&to,NULL,8)!=1) return 2;
 double t2=now();
 for(int i=0;i<n;i++) if(epoll_wait(ep,&e,1,-1)!=1) return 3;
 double t3=now();
 printf("epoll_wait(1000 ms) %.2f us  epoll_pwait2(1 s, stops) %.2f us  epoll_wait(-1) %.2f us\n",(t1-t0)/n*1e6,(t2-t1)/n*1e6,(t3-t2)/n*1e6);
 }
 return 0;}
