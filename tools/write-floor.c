// Floor of the kernel's cost per WebSocket delivery on loopback: one process writes one small frame to each of
// N TCP connections per round (one write(2) each, as any server that does not batch); a second process reads.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <time.h>
static void pin(int cpu){cpu_set_t s;CPU_ZERO(&s);CPU_SET(cpu,&s);sched_setaffinity(0,sizeof s,&s);}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  int n=argc>1?atoi(argv[1]):1000, rounds=argc>2?atoi(argv[2]):200, size=argc>3?atoi(argv[3]):120, rate=argc>4?atoi(argv[4]):80;
  int ls=socket(AF_INET,SOCK_STREAM,0); int one=1; setsockopt(ls,SOL_SOCKET,SO_REUSEADDR,&one,sizeof one);
  struct sockaddr_in a={.sin_family=AF_INET,.sin_port=0,.sin_addr.s_addr=htonl(INADDR_LOOPBACK)}; socklen_t al=sizeof a;
  bind(ls,(void*)&a,sizeof a); listen(ls,4096); getsockname(ls,(void*)&a,&al);
  pid_t child=fork();
  if(child==0){ // reader
    pin(1); int ep=epoll_create1(0); int *fd=malloc(n*sizeof(int));
    for(int i=0;i<n;i++){fd[i]=socket(AF_INET,SOCK_STREAM,0); connect(fd[i],(void*)&a,sizeof a);
      struct epoll_event e={.events=EPOLLIN,.data.fd=fd[i]}; epoll_ctl(ep,EPOLL_CTL_ADD,fd[i],&e);}
    long want=(long)n*rounds*size, got=0; char buf[65536]; struct epoll_event ev[512];
    while(got<want){int k=epoll_wait(ep,ev,512,5000); if(k<=0)break; for(int j=0;j<k;j++){ssize_t r=read(ev[j].data.fd,buf,sizeof buf); if(r>0)got+=r;}}
    _exit(got==want?0:1);
  }
  pin(0); int *c=malloc(n*sizeof(int)); for(int i=0;i<n;i++){c[i]=accept(ls,0,0); setsockopt(c[i],IPPROTO_TCP,TCP_NODELAY,&one,sizeof one);}
  char *msg=malloc(size); memset(msg,'x',size); msg[0]=0x81; msg[1]=size-2;
  struct rusage r0,r1; getrusage(RUSAGE_SELF,&r0); double t0=now();
  for(int k=0;k<rounds;k++){ double due=t0+(double)k/rate; while(now()<due){ struct timespec s={0,200000}; nanosleep(&s,0);} for(int i=0;i<n;i++) if(write(c[i],msg,size)!=size){perror("write");return 1;} }
  getrusage(RUSAGE_SELF,&r1); int st; waitpid(child,&st,0);
  double cpu=(r1.ru_utime.tv_sec-r0.ru_utime.tv_sec)+(r1.ru_utime.tv_usec-r0.ru_utime.tv_usec)/1e6+(r1.ru_stime.tv_sec-r0.ru_stime.tv_sec)+(r1.ru_stime.tv_usec-r0.ru_stime.tv_usec)/1e6;
  printf("%d connections x %d rounds of %d-byte frames at %d rounds/s: writer CPU %.2f us per delivery (reader ok=%d)\n",n,rounds,size,rate,cpu*1e6/((double)n*rounds),WIFEXITED(st)&&WEXITSTATUS(st)==0);
  return 0;}
